import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectSocket, connectY, createRoom, waitFor } from '../helpers/clients.js'
import { type ServerProcess, spawnServer } from '../helpers/process.js'
import { dbKind } from '../helpers/server.js'

/** What a raw TCP client saw after sending an upgrade request: the bytes, and whether the server closed. */
interface RawUpgrade {
  socket: Socket
  /** Resolves when the server ended the connection, or after `waitMs` with `ended: false`. */
  answer: Promise<{ text: string; ended: boolean }>
}

/** Sends a websocket upgrade request by hand, so nothing on the client side closes it for us. */
function rawUpgrade(port: number, path: string, waitMs = 3000): RawUpgrade {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  let text = ''
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => (text += d))
  const answer = new Promise<{ text: string; ended: boolean }>((resolve) => {
    const timer = setTimeout(() => resolve({ text, ended: false }), waitMs)
    socket.once('end', () => {
      clearTimeout(timer)
      resolve({ text, ended: true })
    })
  })
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  )
  return { socket, answer }
}

/** Open socket descriptors of a process (Linux): each accepted connection holds one until it is closed. */
function socketFds(pid: number): number {
  let n = 0
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++
    } catch {
      // closed while we looked
    }
  }
  return n
}

const UNSERVED = ['/yjs/bad.id', '/other', '/yjs/abc123%2Fprivate', '/yjs', '/', '/api/health', '/socketio']

describe(`upgrade requests no endpoint serves (${dbKind})`, () => {
  const dirs: string[] = []
  const sockets: Socket[] = []
  let server: ServerProcess

  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'stepwise-upgrade-'))
    dirs.push(d)
    return d
  }
  const send = (path: string, waitMs?: number) => {
    const raw = rawUpgrade(server.port, path, waitMs)
    sockets.push(raw.socket)
    return raw
  }

  beforeAll(async () => {
    server = await spawnServer({ DATA_DIR: tempDir() })
  })
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy()
  })
  afterAll(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('every upgrade that no endpoint serves is answered with a 404 JSON error and the server closes the socket', async () => {
    const answers = await Promise.all(UNSERVED.map((path) => send(path).answer))
    answers.forEach(({ text, ended }, i) => {
      expect(text, UNSERVED[i]).toMatch(/^HTTP\/1\.1 404 /)
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))
      expect(body, UNSERVED[i]).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
      expect(ended, `${UNSERVED[i]} closed by the server`).toBe(true)
    })
  })

  it.skipIf(process.platform !== 'linux')('200 unserved upgrades leave no socket open on the server once their clients have gone', async () => {
    const pid = server.child.pid!
    const before = socketFds(pid)
    const raws = Array.from({ length: 200 }, (_, i) => send(UNSERVED[i % UNSERVED.length]!, 2000))
    await Promise.all(raws.map((r) => r.answer))
    for (const r of raws) r.socket.destroy()
    // The server's side of each connection is gone: no descriptor left behind, not even half-open.
    await waitFor(() => socketFds(pid) - before < 5, { timeout: 5000, what: `socket fds back to ${before} (now ${socketFds(pid)})` })
  })

  it('socket.io and the Yjs endpoint still accept their own upgrades', async () => {
    const { room, tokens } = await createRoom(server.url)
    const { socket, state } = await connectSocket(server.url, tokens.interviewer)
    expect(state.room.id).toBe(room.id)
    socket.disconnect()
    const y = connectY(server.url, room.id, tokens.candidate)
    await y.synced
    y.destroy()
  })

  it('clients holding refused upgrades open do not delay SIGTERM: the process exits 0 within 10 seconds', async () => {
    const own = await spawnServer({ DATA_DIR: tempDir() })
    try {
      // The clients never close their side: only the server can end these connections. One asks
      // for no endpoint, one is refused by the Yjs endpoint (no token).
      const held = [rawUpgrade(own.port, '/other', 500), rawUpgrade(own.port, '/yjs/nosuchroom', 500)]
      sockets.push(...held.map((h) => h.socket))
      const answers = await Promise.all(held.map((h) => h.answer))
      expect(answers.map((a) => a.text.slice(0, 12))).toEqual(['HTTP/1.1 404', 'HTTP/1.1 401'])
      const t0 = Date.now()
      own.child.kill('SIGTERM')
      expect(await own.exited, own.stderr()).toBe(0)
      expect(Date.now() - t0).toBeLessThan(10_000)
    } finally {
      if (own.child.exitCode === null && own.child.signalCode === null) own.child.kill('SIGKILL')
      await own.exited
    }
  }, 90_000)
})
