import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, like } from 'drizzle-orm'
import { inviteLinks, rooms } from '../../server/db/schema.js'
import { api, createRoom, type CreatedRoom } from '../helpers/clients.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'
import { badTokens, claimsOf, serverSigner } from '../helpers/tokens.js'

const ROLES = ['interviewer', 'candidate', 'observer'] as const

describe(`rooms over HTTP (${dbKind})`, () => {
  let server: TestServer
  let questionIds: string[]

  beforeAll(async () => {
    server = await startTestServer()
    questionIds = (await api(server.url, '/api/questions')).body.questions.map((q: { id: string }) => q.id)
  })
  afterAll(async () => {
    await server.stop()
  })

  /** Rooms whose title starts with `marker`: refused requests carry one, so we can prove none was made. */
  const roomsTitled = async (marker: string) =>
    server.deps.db.select({ id: rooms.id }).from(rooms).where(like(rooms.title, `${marker}%`))

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect(res.status).toBe(status)
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } })
    expect(res.body.error.message.length).toBeGreaterThan(0)
  }

  describe('public endpoints', () => {
    it('health reports ok, the database driver, redis and the version', async () => {
      const res = await api(server.url, '/api/health')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ ok: true, db: dbKind, redis: false, version: expect.any(String) })
      expect(res.body.version).toMatch(/\d+\.\d+\.\d+/)
    })

    it('lists the built-in kit with its seven steps and total minutes', async () => {
      const res = await api(server.url, '/api/kits')
      expect(res.status).toBe(200)
      const kit = res.body.kits.find((k: { id: string }) => k.id === 'ml-system-design')
      expect(kit).toMatchObject({ id: 'ml-system-design', builtIn: true, title: expect.any(String) })
      expect(kit.steps.map((s: { key: string }) => s.key)).toEqual(['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor'])
      expect(kit.minutes).toBe(kit.steps.reduce((sum: number, s: { minutes: number }) => sum + s.minutes, 0))
      expect(kit.minutes).toBe(45)
    })

    it('returns one kit by id, and 404 for an unknown kit', async () => {
      const res = await api(server.url, '/api/kits/ml-system-design')
      expect(res.status).toBe(200)
      expect(res.body.kit.id).toBe('ml-system-design')
      expect(res.body.kit.steps).toHaveLength(7)
      for (const step of res.body.kit.steps) expect(step.prompts.length).toBeGreaterThan(0)
      expectError(await api(server.url, '/api/kits/no-such-kit'), 404, 'not_found')
    })

    it('lists the ten built-in questions with their prompts and without any hints', async () => {
      const res = await api(server.url, '/api/questions')
      expect(res.status).toBe(200)
      expect(res.body.questions).toHaveLength(10)
      expect(new Set(res.body.questions.map((q: { id: string }) => q.id)).size).toBe(10)
      for (const q of res.body.questions) {
        expect(q).toEqual({ id: expect.any(String), title: expect.any(String), prompt: expect.any(String), tags: expect.any(Array) })
        expect(q.prompt.length).toBeGreaterThan(40)
      }
      expect(JSON.stringify(res.body)).not.toMatch(/hint/i)
    })

    it('answers an unknown API path with 404 in the error shape', async () => {
      expectError(await api(server.url, '/api/nothing-here'), 404, 'not_found')
    })
  })

  describe('creating a room', () => {
    it('makes a room from an empty body with the default kit, level and mode', async () => {
      const res = await api(server.url, '/api/rooms', { body: {} })
      expect(res.status).toBe(201)
      const { room, links, tokens } = res.body as CreatedRoom
      expect(room).toMatchObject({ id: expect.any(String), kitId: 'ml-system-design', level: 'senior', mode: 'peer', questionId: null, endedAt: null })
      expect(room.title).toEqual(expect.any(String))
      expect(Object.keys(links).sort()).toEqual([...ROLES].sort())
      expect(Object.keys(tokens).sort()).toEqual([...ROLES].sort())
      for (const role of ROLES) {
        const url = new URL(links[role])
        expect(url.origin).toBe(server.url)
        expect(url.pathname).toBe(`/r/${room.id}`)
        expect(links[role]).toContain(tokens[role])
        expect(claimsOf(tokens[role])).toMatchObject({ roomId: room.id, role })
        expect(claimsOf(tokens[role]).expiresAt).toBeGreaterThan(Date.now())
      }
      expect(new Set(ROLES.map((r) => claimsOf(tokens[r]).linkId)).size).toBe(3)
    })

    it('makes a room from a body with every field', async () => {
      const questionId = questionIds[3]!
      const res = await api(server.url, '/api/rooms', {
        body: { kitId: 'ml-system-design', questionId, level: 'staff', title: 'Panel loop, round 2', mode: 'panel' },
      })
      expect(res.status).toBe(201)
      expect(res.body.room).toMatchObject({ kitId: 'ml-system-design', questionId, level: 'staff', title: 'Panel loop, round 2', mode: 'panel' })
      const read = await api(server.url, `/api/rooms/${res.body.room.id}`, { token: res.body.tokens.candidate })
      expect(read.body.room).toEqual(res.body.room)
      expect(read.body.question.id).toBe(questionId)
    })

    it('makes a room without a content type or body at all', async () => {
      const res = await fetch(`${server.url}/api/rooms`, { method: 'POST' })
      expect(res.status).toBe(201)
      expect(((await res.json()) as CreatedRoom).room.kitId).toBe('ml-system-design')
    })

    const refused: Array<[string, (marker: string) => Record<string, unknown>]> = [
      ['an unknown level', (m) => ({ title: m, level: 'junior' })],
      ['an unknown mode', (m) => ({ title: m, mode: 'solo' })],
      ['an unknown kitId', (m) => ({ title: m, kitId: 'no-such-kit' })],
      ['an unknown questionId', (m) => ({ title: m, questionId: 'no-such-question' })],
      ['an extra field', (m) => ({ title: m, role: 'interviewer' })],
      ['a title of the wrong type', (m) => ({ title: m, level: 3 })],
      ['a title too long', (m) => ({ title: m + 'x'.repeat(200) })],
    ]
    for (const [what, body] of refused) {
      it(`refuses ${what} with 400 and makes no room`, async () => {
        const marker = `refused-${Math.random().toString(36).slice(2)}`
        expectError(await api(server.url, '/api/rooms', { body: body(marker) }), 400, 'invalid')
        expect(await roomsTitled(marker)).toEqual([])
      })
    }

    it('refuses malformed JSON with 400 and makes no room', async () => {
      const marker = `malformed-${Math.random().toString(36).slice(2)}`
      expectError(await api(server.url, '/api/rooms', { rawBody: `{"title": "${marker}", "level": ` }), 400, 'invalid')
      expectError(await api(server.url, '/api/rooms', { rawBody: '[]' }), 400, 'invalid')
      expectError(await api(server.url, '/api/rooms', { rawBody: 'null' }), 400, 'invalid')
      expect(await roomsTitled(marker)).toEqual([])
    })

    it('refuses a body over 256 KiB with 413, makes no room, and the next requests still work', async () => {
      const marker = `oversized-${Math.random().toString(36).slice(2)}`
      const rawBody = JSON.stringify({ title: marker + 'x'.repeat(256 * 1024) })
      // Twice, each followed by ordinary requests: the unread body must not break the client's
      // next request on a reused keep-alive connection.
      for (let i = 0; i < 2; i++) {
        expectError(await api(server.url, '/api/rooms', { rawBody }), 413, 'too_large')
        expect((await api(server.url, '/api/health')).status).toBe(200)
        expect((await api(server.url, '/api/rooms', { body: {} })).status).toBe(201)
      }
      expect(await roomsTitled(marker)).toEqual([])
    })

    it('refuses a chunked body (no content-length) over 256 KiB with 413', async () => {
      const marker = `chunked-${Math.random().toString(36).slice(2)}`
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024))
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode(`{"title":"${marker}`))
          if (sent++ < 20) controller.enqueue(chunk)
          else {
            controller.enqueue(new TextEncoder().encode('"}'))
            controller.close()
          }
        },
      })
      const res = await fetch(`${server.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit)
      expectError({ status: res.status, body: await res.json() }, 413, 'too_large')
      expect((await api(server.url, '/api/health')).status).toBe(200)
      expect(await roomsTitled(marker)).toEqual([])
    })
  })

  describe('reading a room', () => {
    let created: CreatedRoom
    beforeAll(async () => {
      created = await createRoom(server.url, { questionId: questionIds[0]!, level: 'mid' })
    })

    it('echoes the caller role from the token and returns kit, question, timer and server time', async () => {
      for (const role of ROLES) {
        const before = Date.now()
        const res = await api(server.url, `/api/rooms/${created.room.id}`, { token: created.tokens[role] })
        expect(res.status).toBe(200)
        expect(res.body.role).toBe(role)
        expect(res.body.room).toEqual(created.room)
        expect(res.body.kit.id).toBe('ml-system-design')
        expect(res.body.question).toMatchObject({ id: questionIds[0], prompt: expect.any(String) })
        expect(res.body.timer).toMatchObject({ version: 0, status: 'idle', stepIndex: 0 })
        expect(res.body.timer.steps).toHaveLength(7)
        expect(res.body.serverNow).toBeGreaterThanOrEqual(before)
        expect(res.body.serverNow).toBeLessThanOrEqual(Date.now())
      }
    })

    it('shows the interviewer step hints, rubric anchors and question hints', async () => {
      const res = await api(server.url, `/api/rooms/${created.room.id}`, { token: created.tokens.interviewer })
      for (const step of res.body.kit.steps) {
        expect(step.hints.length).toBeGreaterThan(0)
        expect(step.anchors).toEqual({ mid: expect.any(String), senior: expect.any(String), staff: expect.any(String) })
      }
      expect(Object.keys(res.body.question.hints)).toEqual(expect.arrayContaining(['clarify', 'model', 'serve']))
    })

    it('shows the candidate and the observer neither hints nor anchors', async () => {
      const interviewerView = await api(server.url, `/api/rooms/${created.room.id}`, { token: created.tokens.interviewer })
      const someHint: string = interviewerView.body.kit.steps[0].hints[0]
      const someQuestionHint: string = interviewerView.body.question.hints.clarify[0]
      const someAnchor: string = interviewerView.body.kit.steps[0].anchors.staff
      for (const role of ['candidate', 'observer'] as const) {
        const res = await api(server.url, `/api/rooms/${created.room.id}`, { token: created.tokens[role] })
        expect(res.status).toBe(200)
        for (const step of res.body.kit.steps) {
          expect(step).not.toHaveProperty('hints')
          expect(step).not.toHaveProperty('anchors')
          expect(step.prompts.length).toBeGreaterThan(0)
        }
        expect(res.body.question).not.toHaveProperty('hints')
        const text = JSON.stringify(res.body)
        for (const secret of [someHint, someQuestionHint, someAnchor]) expect(text).not.toContain(secret)
      }
    })

    it('refuses a request without a token with 401', async () => {
      expectError(await api(server.url, `/api/rooms/${created.room.id}`), 401, 'unauthorized')
      const res = await fetch(`${server.url}/api/rooms/${created.room.id}`, { headers: { authorization: `Basic ${created.tokens.interviewer}` } })
      expect(res.status).toBe(401)
    })

    it('refuses a forged, foreign-signed, expired or garbage token with 401', async () => {
      for (const [what, token] of Object.entries(badTokens(server.dataDir, created.tokens.interviewer))) {
        const res = await api(server.url, `/api/rooms/${created.room.id}`, { token })
        expect(res.status, what).toBe(401)
        expect(res.body.error.code, what).toBe('unauthorized')
      }
    })

    it("refuses room A's token on room B with 403", async () => {
      const other = await createRoom(server.url)
      expectError(await api(server.url, `/api/rooms/${other.room.id}`, { token: created.tokens.interviewer }), 403, 'forbidden')
    })

    it('answers an unknown room with 404', async () => {
      const token = serverSigner(server.dataDir).sign({ ...claimsOf(created.tokens.interviewer), roomId: 'nosuchroom' })
      expectError(await api(server.url, '/api/rooms/nosuchroom', { token }), 404, 'not_found')
    })

    it('refuses a token whose link id is unknown to the room with 401', async () => {
      const token = serverSigner(server.dataDir).sign({ ...claimsOf(created.tokens.interviewer), linkId: 'nosuchlink' })
      expectError(await api(server.url, `/api/rooms/${created.room.id}`, { token }), 401, 'unauthorized')
    })

    it('takes the role from the stored link, so a re-signed token claiming another role is refused', async () => {
      const token = serverSigner(server.dataDir).sign({ ...claimsOf(created.tokens.candidate), role: 'interviewer' })
      expectError(await api(server.url, `/api/rooms/${created.room.id}`, { token }), 401, 'unauthorized')
    })
  })

  describe('invite links', () => {
    it('lets the interviewer list the three links of a room', async () => {
      const { room, tokens } = await createRoom(server.url)
      const res = await api(server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer })
      expect(res.status).toBe(200)
      expect(res.body.links.map((l: { role: string }) => l.role).sort()).toEqual([...ROLES].sort())
      for (const link of res.body.links) {
        expect(link).toMatchObject({ id: expect.any(String), revokedAt: null, url: expect.stringContaining(`/r/${room.id}#token=`) })
        expect(link.token).toBe(tokens[link.role as (typeof ROLES)[number]])
      }
    })

    it('lets the interviewer add a second interviewer link for a panel, which works', async () => {
      const { room, tokens } = await createRoom(server.url, { mode: 'panel' })
      const res = await api(server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer, body: { role: 'interviewer', label: 'Second panelist' } })
      expect(res.status).toBe(201)
      expect(res.body.link).toMatchObject({ role: 'interviewer', label: 'Second panelist', revokedAt: null })
      expect(new URL(res.body.link.url).origin).toBe(server.url)
      const read = await api(server.url, `/api/rooms/${room.id}`, { token: res.body.link.token })
      expect(read.status).toBe(200)
      expect(read.body.role).toBe('interviewer')
      const listed = await api(server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer })
      expect(listed.body.links).toHaveLength(4)
    })

    it('refuses an invalid new link with 400', async () => {
      const { room, tokens } = await createRoom(server.url)
      const path = `/api/rooms/${room.id}/links`
      expectError(await api(server.url, path, { token: tokens.interviewer, body: { role: 'admin' } }), 400, 'invalid')
      expectError(await api(server.url, path, { token: tokens.interviewer, body: { role: 'observer', extra: 1 } }), 400, 'invalid')
      expectError(await api(server.url, path, { token: tokens.interviewer, rawBody: '{"role":' }), 400, 'invalid')
      const listed = await api(server.url, path, { token: tokens.interviewer })
      expect(listed.body.links).toHaveLength(3)
    })

    it('refuses listing, creating and revoking links to the candidate and the observer with 403', async () => {
      const { room, tokens } = await createRoom(server.url)
      const linkId = claimsOf(tokens.observer).linkId
      for (const role of ['candidate', 'observer'] as const) {
        const token = tokens[role]
        expectError(await api(server.url, `/api/rooms/${room.id}/links`, { token }), 403, 'forbidden')
        expectError(await api(server.url, `/api/rooms/${room.id}/links`, { token, body: { role: 'interviewer' } }), 403, 'forbidden')
        expectError(await api(server.url, `/api/rooms/${room.id}/links/${linkId}`, { token, method: 'DELETE' }), 403, 'forbidden')
      }
      const links = await server.deps.db.select().from(inviteLinks).where(eq(inviteLinks.roomId, room.id))
      expect(links).toHaveLength(3)
      expect(links.filter((l) => l.revokedAt !== null)).toEqual([])
    })

    it('revokes a link: its token then gets 401, the others keep working', async () => {
      const { room, tokens } = await createRoom(server.url)
      const candidateLink = claimsOf(tokens.candidate).linkId
      const res = await api(server.url, `/api/rooms/${room.id}/links/${candidateLink}`, { token: tokens.interviewer, method: 'DELETE' })
      expect(res.status).toBe(200)
      expect(res.body.link).toMatchObject({ id: candidateLink, role: 'candidate', revokedAt: expect.any(String) })
      expect(res.body.link).not.toHaveProperty('token')
      expectError(await api(server.url, `/api/rooms/${room.id}`, { token: tokens.candidate }), 401, 'unauthorized')
      expect((await api(server.url, `/api/rooms/${room.id}`, { token: tokens.observer })).status).toBe(200)
      expect((await api(server.url, `/api/rooms/${room.id}`, { token: tokens.interviewer })).status).toBe(200)
      const listed = await api(server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer })
      const revoked = listed.body.links.find((l: { id: string }) => l.id === candidateLink)
      expect(revoked.revokedAt).toEqual(expect.any(String))
      expect(revoked).not.toHaveProperty('url')
      // Revoking twice, or a link of another room, finds nothing to revoke.
      expectError(await api(server.url, `/api/rooms/${room.id}/links/${candidateLink}`, { token: tokens.interviewer, method: 'DELETE' }), 404, 'not_found')
      const other = await createRoom(server.url)
      const foreign = claimsOf(other.tokens.candidate).linkId
      expectError(await api(server.url, `/api/rooms/${room.id}/links/${foreign}`, { token: tokens.interviewer, method: 'DELETE' }), 404, 'not_found')
      expect((await api(server.url, `/api/rooms/${other.room.id}`, { token: other.tokens.candidate })).status).toBe(200)
    })

    it('an interviewer whose own link is revoked loses access to the link list', async () => {
      const { room, tokens } = await createRoom(server.url, { mode: 'panel' })
      const second = await api(server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer, body: { role: 'interviewer' } })
      await api(server.url, `/api/rooms/${room.id}/links/${second.body.link.id}`, { token: tokens.interviewer, method: 'DELETE' })
      expectError(await api(server.url, `/api/rooms/${room.id}/links`, { token: second.body.link.token }), 401, 'unauthorized')
      expectError(
        await api(server.url, `/api/rooms/${room.id}/links`, { token: second.body.link.token, body: { role: 'interviewer' } }),
        401,
        'unauthorized',
      )
    })
  })
})
