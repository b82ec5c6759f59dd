import { beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { connectSocket, connectY, createRoom } from '../helpers/clients.js'
import { dbKind, serverPerSuite, type TestServer } from '../helpers/server.js'

/** POST /api/rooms as a browser would, optionally claiming to be someone else. */
async function postRoom(s: TestServer, forwardedFor?: string) {
  const res = await fetch(`${s.url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: '{}',
  })
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any }
}

/** Opens the Yjs endpoint with a plain `ws` client: 101, or the HTTP status, headers and body of a refusal. */
function upgrade(s: TestServer, path: string) {
  return new Promise<{ status: number; retryAfter?: string; body?: any }>((resolve, reject) => {
    const ws = new WebSocket(s.url.replace(/^http/, 'ws') + path)
    ws.on('open', () => {
      ws.terminate()
      resolve({ status: 101 })
    })
    ws.on('unexpected-response', (req, res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: JSON.parse(text) })
        req.destroy()
      })
    })
    ws.on('error', reject)
  })
}

/** A socket.io connection's outcome: connected, or the refusal's code and data. */
async function socketOutcome(s: TestServer, token: string): Promise<{ connected: true } | { connected: false; data: any }> {
  try {
    const { socket } = await connectSocket(s.url, token)
    socket.disconnect()
    return { connected: true }
  } catch (err) {
    return { connected: false, data: (err as { data?: unknown }).data }
  }
}

const rateLimited = { error: { code: 'rate_limited', message: expect.stringMatching(/too many .* from this address; try again in \d+ s/) } }

describe(`per-address rate limits (${dbKind})`, () => {
  // The limiter reads the server's clock: a test moves it on instead of waiting a minute.
  let skew = 0
  const env = serverPerSuite({
    clock: () => Date.now() + skew,
    env: { RATE_LIMIT_ROOMS_PER_MINUTE: '3', RATE_LIMIT_CONNECTIONS_PER_MINUTE: '4' },
  })
  beforeEach(() => {
    // Every test starts with full buckets: a minute passes between tests.
    skew += 61_000
  })

  it('creating rooms past the limit gets 429 with Retry-After and a rate_limited error, and works again as the minute passes', async () => {
    const s = env.server
    for (let i = 0; i < 3; i++) expect((await postRoom(s)).status).toBe(201)
    const refused = await postRoom(s)
    expect(refused.status).toBe(429)
    expect(refused.body).toEqual(rateLimited)
    // 3 a minute: the next one fits about 20 s later.
    const wait = Number(refused.retryAfter)
    expect(Number.isInteger(wait) && wait >= 19 && wait <= 20, `Retry-After: ${refused.retryAfter}`).toBe(true)
    skew += wait * 1000
    expect((await postRoom(s)).status).toBe(201)
    expect((await postRoom(s)).status).toBe(429)
    skew += 60_000
    for (let i = 0; i < 3; i++) expect((await postRoom(s)).status).toBe(201)
  })

  it('without TRUST_PROXY, X-Forwarded-For is ignored: naming other addresses does not escape the limit', async () => {
    const s = env.server
    for (let i = 0; i < 3; i++) expect((await postRoom(s, `203.0.113.${i}`)).status).toBe(201)
    expect((await postRoom(s, '203.0.113.99')).status).toBe(429)
  })

  it('Yjs upgrades past the limit are refused with 429, Retry-After and a JSON error before the token is looked at, and a provider syncs again later', async () => {
    const s = env.server
    const { room, tokens } = await createRoom(s.url)
    for (let i = 0; i < 4; i++) expect((await upgrade(s, `/yjs/${room.id}?token=${tokens.candidate}`)).status).toBe(101)
    const refused = await upgrade(s, `/yjs/${room.id}?token=${tokens.candidate}`)
    expect(refused).toEqual({ status: 429, retryAfter: expect.stringMatching(/^\d+$/), body: rateLimited })
    // A bad token would be a 401: the limit comes first, so the database is never asked.
    expect((await upgrade(s, `/yjs/${room.id}?token=nonsense`)).status).toBe(429)
    skew += 60_000
    const y = connectY(s.url, room.id, tokens.candidate)
    env.cleanup.push(() => y.destroy())
    await y.synced
  })

  it('socket.io connections past the limit get connect_error rate_limited with retryAfter, and connect again later', async () => {
    const s = env.server
    const { tokens } = await createRoom(s.url)
    for (let i = 0; i < 4; i++) expect(await socketOutcome(s, tokens.interviewer)).toEqual({ connected: true })
    const refused = await socketOutcome(s, tokens.interviewer)
    expect(refused).toEqual({ connected: false, data: { code: 'rate_limited', retryAfter: expect.any(Number) } })
    skew += 60_000
    expect(await socketOutcome(s, tokens.interviewer)).toEqual({ connected: true })
  })

  it('Yjs upgrades and socket.io connections draw on one budget per address', async () => {
    const s = env.server
    const { room, tokens } = await createRoom(s.url)
    for (let i = 0; i < 2; i++) expect((await upgrade(s, `/yjs/${room.id}?token=${tokens.candidate}`)).status).toBe(101)
    for (let i = 0; i < 2; i++) expect(await socketOutcome(s, tokens.interviewer)).toEqual({ connected: true })
    expect((await upgrade(s, `/yjs/${room.id}?token=${tokens.candidate}`)).status).toBe(429)
    expect(await socketOutcome(s, tokens.interviewer)).toMatchObject({ connected: false, data: { code: 'rate_limited' } })
  })
})

describe(`per-address rate limits behind a trusted proxy (${dbKind})`, () => {
  const env = serverPerSuite({ env: { TRUST_PROXY: 'true', RATE_LIMIT_ROOMS_PER_MINUTE: '2' } })

  it('each address the proxy forwards for has its own budget', async () => {
    const s = env.server
    for (let i = 0; i < 2; i++) expect((await postRoom(s, `198.51.100.7, 203.0.113.1`)).status).toBe(201)
    expect((await postRoom(s, `198.51.100.8, 203.0.113.1`)).status).toBe(429)
    // What the client wrote before the proxy's entry does not count: the proxy's entry does.
    expect((await postRoom(s, '203.0.113.2')).status).toBe(201)
  })
})
