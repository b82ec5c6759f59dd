import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { asc, eq } from 'drizzle-orm'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { io } from 'socket.io-client'
import { roomEvents } from '../../server/db/schema.js'
import type { TimerPayload } from '../../shared/protocol/events.js'
import type { TimerState } from '../../shared/timer/timer.js'
import { api, type ClientSocket, connectSocket, createRoom, type CreatedRoom, waitFor } from '../helpers/clients.js'
import { freePort, hasRedis, startRedis } from '../helpers/redis.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'
import { badTokens, claimsOf, serverSigner } from '../helpers/tokens.js'

type Reply = { ok: true; timer: TimerState } | { ok: false; error: { code: string; message: string } }

describe(`timer and presence over socket.io (${dbKind})`, () => {
  let server: TestServer
  let sockets: ClientSocket[] = []

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect()
  })
  afterAll(async () => {
    await server.stop()
  })

  /** A connected socket that records every `timer` broadcast it receives. */
  const join = async (token: string, name?: string) => {
    const { socket, state } = await connectSocket(server.url, token, name)
    sockets.push(socket)
    const timers: TimerPayload[] = []
    socket.on('timer', (payload) => timers.push(payload))
    return { socket, state, timers }
  }

  const command = (socket: ClientSocket, cmd: unknown): Promise<Reply> =>
    socket.timeout(5000).emitWithAck('timer:command', cmd as never) as Promise<Reply>

  const eventsOf = (roomId: string) =>
    server.deps.db.select().from(roomEvents).where(eq(roomEvents.roomId, roomId)).orderBy(asc(roomEvents.seq))

  const timerOf = async (created: CreatedRoom): Promise<TimerState> =>
    (await api(server.url, `/api/rooms/${created.room.id}`, { token: created.tokens.observer })).body.timer

  const secondInterviewer = async (created: CreatedRoom): Promise<string> => {
    const res = await api(server.url, `/api/rooms/${created.room.id}/links`, {
      token: created.tokens.interviewer,
      body: { role: 'interviewer', label: 'Panelist' },
    })
    expect(res.status).toBe(201)
    return res.body.link.token
  }

  describe('connecting', () => {
    it('sends room:state with the room, the participants, the timer and the server time on connect', async () => {
      const created = await createRoom(server.url, { title: 'Loop A' })
      const before = Date.now()
      const { state } = await join(created.tokens.candidate, 'Grace')
      expect(state.room).toEqual(created.room)
      expect(state.timer).toMatchObject({ version: 0, status: 'idle', stepIndex: 0, runningSince: null })
      expect(state.timer.steps.map((s) => s.key)).toEqual(['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor'])
      expect(state.serverNow).toBeGreaterThanOrEqual(before)
      expect(state.serverNow).toBeLessThanOrEqual(Date.now())
      expect(state.participants).toEqual([expect.objectContaining({ name: 'Grace', role: 'candidate' })])
      expect(state.you).toEqual(state.participants[0])
    })

    it('answers a clock probe with the server time, for every role', async () => {
      const created = await createRoom(server.url)
      for (const token of [created.tokens.interviewer, created.tokens.candidate, created.tokens.observer]) {
        const { socket } = await join(token)
        const sentAt = Date.now()
        const reply = (await socket.timeout(5000).emitWithAck('clock:sync')) as { serverNow: number }
        expect(reply.serverNow).toBeGreaterThanOrEqual(sentAt)
        expect(reply.serverNow).toBeLessThanOrEqual(Date.now())
      }
    })

    it('gives a participant without a name the name of their role', async () => {
      const created = await createRoom(server.url)
      const { state } = await join(created.tokens.observer)
      expect(state.you).toMatchObject({ name: 'Observer', role: 'observer' })
    })

    it('refuses no token, a forged, foreign-signed, expired or garbage token with connect_error "unauthorized"', async () => {
      const created = await createRoom(server.url)
      const refused = (auth: Record<string, unknown>) =>
        new Promise<{ message: string; code: unknown }>((resolve, reject) => {
          const socket = io(server.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true })
          socket.on('connect', () => {
            socket.disconnect()
            reject(new Error('connected'))
          })
          socket.on('connect_error', (err) => {
            socket.disconnect()
            resolve({ message: err.message, code: (err as Error & { data?: { code?: string } }).data?.code })
          })
        })
      expect((await refused({})).code).toBe('unauthorized')
      expect((await refused({ token: '' })).code).toBe('unauthorized')
      for (const [what, token] of Object.entries(badTokens(server.dataDir, created.tokens.interviewer))) {
        const err = await refused({ token })
        expect(err.code, what).toBe('unauthorized')
        expect(err.message.length).toBeGreaterThan(0)
      }
    })

    it("refuses a revoked link's token with connect_error \"unauthorized\", and an unknown room with \"not_found\"", async () => {
      const created = await createRoom(server.url)
      const link = (await api(server.url, `/api/rooms/${created.room.id}/links`, { token: created.tokens.interviewer, body: { role: 'candidate' } })).body.link
      const { socket } = await join(link.token)
      socket.disconnect()
      await api(server.url, `/api/rooms/${created.room.id}/links/${link.id}`, { token: created.tokens.interviewer, method: 'DELETE' })
      await expect(connectSocket(server.url, link.token)).rejects.toMatchObject({ code: 'unauthorized' })
      const unknown = serverSigner(server.dataDir).sign({ ...claimsOf(created.tokens.candidate), roomId: 'nosuchroom' })
      await expect(connectSocket(server.url, unknown)).rejects.toMatchObject({ code: 'not_found' })
    })
  })

  describe('presence', () => {
    it('lists joins with names, roles and colours, and drops leaves', async () => {
      const created = await createRoom(server.url)
      const ada = await join(created.tokens.interviewer, 'Ada')
      let present: Array<{ name: string; role: string; color: string }> = []
      ada.socket.on('presence', ({ participants }) => (present = participants))

      const grace = await join(created.tokens.candidate, 'Grace')
      await waitFor(() => present.length === 2, { what: 'Grace in the presence list' })
      expect(grace.state.participants.map((p) => p.name)).toEqual(['Ada', 'Grace'])
      const linus = await join(created.tokens.observer, 'Linus')
      await waitFor(() => present.length === 3, { what: 'Linus in the presence list' })
      expect(present.map(({ name, role }) => ({ name, role }))).toEqual([
        { name: 'Ada', role: 'interviewer' },
        { name: 'Grace', role: 'candidate' },
        { name: 'Linus', role: 'observer' },
      ])
      for (const p of present) expect(p.color).toMatch(/^#[0-9a-f]{6}$/)
      expect(new Set(present.map((p) => p.color)).size).toBe(3)
      expect(linus.state.participants).toEqual(present)

      grace.socket.disconnect()
      await waitFor(() => present.length === 2, { what: 'Grace gone from the presence list' })
      expect(present.map((p) => p.name)).toEqual(['Ada', 'Linus'])
    })

    it('keeps a person on one colour across reconnects, even after other links change', async () => {
      const created = await createRoom(server.url, { mode: 'panel' })
      const colours = async () => {
        const seen: Record<string, string> = {}
        for (const role of ['interviewer', 'candidate', 'observer'] as const) {
          const { socket, state } = await join(created.tokens[role])
          seen[role] = state.you.color
          socket.disconnect()
        }
        return seen
      }
      const first = await colours()
      expect(new Set(Object.values(first)).size).toBe(3)
      expect(await colours()).toEqual(first)
      // A second panelist's link is added, then revoked: nobody else's colour moves.
      const panelist = (await api(server.url, `/api/rooms/${created.room.id}/links`, { token: created.tokens.interviewer, body: { role: 'interviewer' } })).body.link
      expect(await colours()).toEqual(first)
      await api(server.url, `/api/rooms/${created.room.id}/links/${panelist.id}`, { token: created.tokens.interviewer, method: 'DELETE' })
      expect(await colours()).toEqual(first)
      // Even when the first interviewer's own link is revoked by another panelist.
      const other = (await api(server.url, `/api/rooms/${created.room.id}/links`, { token: created.tokens.interviewer, body: { role: 'interviewer' } })).body.link
      const interviewerLink = claimsOf(created.tokens.interviewer).linkId
      expect((await api(server.url, `/api/rooms/${created.room.id}/links/${interviewerLink}`, { token: other.token, method: 'DELETE' })).status).toBe(200)
      const { state } = await join(created.tokens.candidate)
      expect(state.you.color).toBe(first.candidate)
      const { state: observerState } = await join(created.tokens.observer)
      expect(observerState.you.color).toBe(first.observer)
    })
  })

  describe('timer commands', () => {
    it("the interviewer's start, next, pause, resume, prev, goto, extend and end are acked and broadcast to everyone with serverNow", async () => {
      const created = await createRoom(server.url)
      const interviewer = await join(created.tokens.interviewer, 'Ada')
      const candidate = await join(created.tokens.candidate, 'Grace')
      const observer = await join(created.tokens.observer, 'Linus')

      const steps: Array<[unknown, (t: TimerState) => void]> = [
        [{ type: 'start' }, (t) => expect(t).toMatchObject({ status: 'running', stepIndex: 0, startedAt: expect.any(Number), runningSince: expect.any(Number) })],
        [{ type: 'next' }, (t) => expect(t).toMatchObject({ status: 'running', stepIndex: 1 })],
        [{ type: 'pause' }, (t) => expect(t).toMatchObject({ status: 'paused', stepIndex: 1, runningSince: null })],
        [{ type: 'resume' }, (t) => expect(t).toMatchObject({ status: 'running', stepIndex: 1, runningSince: expect.any(Number) })],
        [{ type: 'prev' }, (t) => expect(t).toMatchObject({ status: 'running', stepIndex: 0 })],
        [{ type: 'goto', step: 'model' }, (t) => expect(t).toMatchObject({ status: 'running', stepIndex: 3 })],
        [{ type: 'extend', minutes: 5 }, (t) => expect(t.steps[3]!.plannedMs).toBe((8 + 5) * 60_000)],
        [{ type: 'goto', step: 5 }, (t) => expect(t.stepIndex).toBe(5)],
        [{ type: 'end' }, (t) => expect(t).toMatchObject({ status: 'ended', runningSince: null, endedAt: expect.any(Number) })],
      ]
      let version = 0
      for (const [cmd, check] of steps) {
        const before = Date.now()
        const reply = await command(interviewer.socket, cmd)
        if (!reply.ok) throw new Error(`${JSON.stringify(cmd)} refused: ${reply.error.code} ${reply.error.message}`)
        expect(reply.timer.version).toBe(++version)
        check(reply.timer)
        for (const client of [interviewer, candidate, observer]) {
          const seen = (await waitFor(() => client.timers.find((p) => p.timer.version === version), { what: `timer v${version} broadcast` }))!
          expect(seen.timer).toEqual(reply.timer)
          expect(seen.serverNow).toBeGreaterThanOrEqual(before)
          expect(seen.serverNow).toBeLessThanOrEqual(Date.now())
        }
      }
      for (const client of [interviewer, candidate, observer]) expect(client.timers.map((p) => p.timer.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(await timerOf(created)).toEqual(interviewer.timers.at(-1)!.timer)
      // Once ended, nothing more moves.
      const after = await command(interviewer.socket, { type: 'resume' })
      expect(after).toMatchObject({ ok: false, error: { code: 'invalid' } })
      expect((await timerOf(created)).version).toBe(9)
    })

    it('stores each accepted command as a room event, in order, and nothing for refused ones', async () => {
      const created = await createRoom(server.url)
      const interviewer = await join(created.tokens.interviewer, 'Ada')
      const accepted = [{ type: 'start' }, { type: 'next' }, { type: 'extend', minutes: -2 }, { type: 'pause' }, { type: 'end' }]
      for (const cmd of accepted) {
        expect((await command(interviewer.socket, cmd)).ok).toBe(true)
        // A refused one between every two accepted ones.
        expect((await command(interviewer.socket, { type: 'goto', step: 'nope' })).ok).toBe(false)
      }
      const events = await eventsOf(created.room.id)
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
      expect(events.map((e) => e.type)).toEqual(['timer', 'timer', 'timer', 'timer', 'timer'])
      expect(events.map((e) => (e.payload as { command: { type: string } }).command.type)).toEqual(['start', 'next', 'extend', 'pause', 'end'])
      expect(events.map((e) => (e.payload as { to: number }).to)).toEqual([1, 2, 3, 4, 5])
      for (const e of events) expect(e.participantId).toBe(interviewer.state.you.id)
      expect(events.map((e) => e.at.getTime())).toEqual([...events.map((e) => e.at.getTime())].sort((x, y) => x - y))
    })

    it("a candidate's and an observer's commands are forbidden and change nothing", async () => {
      const created = await createRoom(server.url)
      const interviewer = await join(created.tokens.interviewer, 'Ada')
      expect((await command(interviewer.socket, { type: 'start' })).ok).toBe(true)
      const before = await timerOf(created)
      for (const role of ['candidate', 'observer'] as const) {
        const { socket } = await join(created.tokens[role])
        for (const cmd of [{ type: 'next' }, { type: 'pause' }, { type: 'end' }, { type: 'goto', step: 3, expectedVersion: 1 }, { type: 'nonsense' }]) {
          const reply = await command(socket, cmd)
          expect(reply, `${role} ${JSON.stringify(cmd)}`).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.any(String) } })
        }
      }
      expect(await timerOf(created)).toEqual(before)
      expect(before.version).toBe(1)
      expect(await eventsOf(created.room.id)).toHaveLength(1)
      expect(interviewer.timers.map((p) => p.timer.version)).toEqual([1])
    })

    it('invalid command payloads are refused with code "invalid" and change nothing', async () => {
      const created = await createRoom(server.url)
      const interviewer = await join(created.tokens.interviewer, 'Ada')
      const payloads: unknown[] = [
        null,
        'start',
        42,
        [],
        {},
        { type: 'bogus' },
        { type: 'goto' },
        { type: 'goto', step: 99 },
        { type: 'goto', step: 'no-such-step' },
        { type: 'extend' },
        { type: 'extend', minutes: 0 },
        { type: 'extend', minutes: 1.5 },
        { type: 'extend', minutes: 100_000 },
        { type: 'start', expectedVersion: 'zero' },
        { type: 'next' }, // before start
        { type: 'pause' }, // not running
      ]
      for (const payload of payloads) {
        const reply = await command(interviewer.socket, payload)
        expect(reply, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.any(String) } })
      }
      expect((await timerOf(created)).version).toBe(0)
      expect(await eventsOf(created.room.id)).toEqual([])
      expect(interviewer.timers).toEqual([])
      // The socket is still fine.
      expect((await command(interviewer.socket, { type: 'start' })).ok).toBe(true)
    })

    it('a stale expectedVersion gets "conflict" and changes nothing', async () => {
      const created = await createRoom(server.url)
      const interviewer = await join(created.tokens.interviewer, 'Ada')
      expect(await command(interviewer.socket, { type: 'start', expectedVersion: 0 })).toMatchObject({ ok: true, timer: { version: 1 } })
      expect(await command(interviewer.socket, { type: 'next', expectedVersion: 1 })).toMatchObject({ ok: true, timer: { version: 2, stepIndex: 1 } })
      for (const stale of [0, 1, 7]) {
        expect(await command(interviewer.socket, { type: 'next', expectedVersion: stale })).toMatchObject({ ok: false, error: { code: 'conflict' } })
      }
      expect(await timerOf(created)).toMatchObject({ version: 2, stepIndex: 1 })
      expect(await eventsOf(created.room.id)).toHaveLength(2)
    })

    it('two interviewers sending next with the same expectedVersion at once advance exactly one step, every time', async () => {
      const created = await createRoom(server.url, { mode: 'panel' })
      const a = await join(created.tokens.interviewer, 'Ada')
      const b = await join(await secondInterviewer(created), 'Barbara')
      const started = await command(a.socket, { type: 'start' })
      if (!started.ok) throw new Error(started.error.message)
      let version = started.timer.version
      const rounds = 5
      for (let round = 1; round <= rounds; round++) {
        const replies = await Promise.all([
          command(a.socket, { type: 'next', expectedVersion: version }),
          command(b.socket, { type: 'next', expectedVersion: version }),
        ])
        const ok = replies.filter((r) => r.ok)
        const conflicts = replies.filter((r) => !r.ok)
        expect(ok, `round ${round}`).toHaveLength(1)
        expect(conflicts, `round ${round}`).toEqual([{ ok: false, error: { code: 'conflict', message: expect.any(String) } }])
        const timer = (ok[0] as { timer: TimerState }).timer
        expect(timer).toMatchObject({ version: version + 1, stepIndex: round })
        version = timer.version
      }
      expect(await timerOf(created)).toMatchObject({ version: 1 + rounds, stepIndex: rounds })
      expect(await eventsOf(created.room.id)).toHaveLength(1 + rounds)
      await waitFor(() => b.timers.at(-1)?.timer.version === version, { what: 'the last broadcast' })
      expect(b.timers.map((p) => p.timer.stepIndex)).toEqual([0, 1, 2, 3, 4, 5])
    })

    it('two interviewers sending next at once without expectedVersion advance exactly one step, every time: one is acked, the other refused with "conflict"', async () => {
      const created = await createRoom(server.url, { mode: 'panel' })
      const a = await join(created.tokens.interviewer, 'Ada')
      const b = await join(await secondInterviewer(created), 'Barbara')
      const started = await command(a.socket, { type: 'start' })
      if (!started.ok) throw new Error(started.error.message)
      let version = started.timer.version
      await waitFor(() => b.timers.at(-1)?.timer.version === version, { what: 'the start broadcast' })
      const rounds = 5
      for (let round = 1; round <= rounds; round++) {
        // Each presses having seen the same timer: a relative command means "from the timer I was sent".
        const replies = await Promise.all([command(a.socket, { type: 'next' }), command(b.socket, { type: 'next' })])
        const ok = replies.filter((r) => r.ok)
        expect(ok, `round ${round}: ${JSON.stringify(replies)}`).toHaveLength(1)
        expect(replies.filter((r) => !r.ok), `round ${round}`).toEqual([{ ok: false, error: { code: 'conflict', message: expect.any(String) } }])
        const timer = (ok[0] as { timer: TimerState }).timer
        expect(timer).toMatchObject({ version: version + 1, stepIndex: round })
        version = timer.version
        // Both have seen the step before the next press.
        for (const who of [a, b]) await waitFor(() => who.timers.at(-1)?.timer.version === version, { what: `v${version} broadcast` })
      }
      expect(await timerOf(created)).toMatchObject({ version: 1 + rounds, stepIndex: rounds })
      expect(await eventsOf(created.room.id)).toHaveLength(1 + rounds)
      expect(b.timers.map((p) => p.timer.stepIndex)).toEqual([0, 1, 2, 3, 4, 5])
    })

    it('prev and extend without expectedVersion sent at once by two interviewers apply once too, and one of each pair may carry a version', async () => {
      const created = await createRoom(server.url, { mode: 'panel' })
      const a = await join(created.tokens.interviewer, 'Ada')
      const b = await join(await secondInterviewer(created), 'Barbara')
      for (const cmd of [{ type: 'start' }, { type: 'goto', step: 3 }]) expect((await command(a.socket, cmd)).ok).toBe(true)
      await waitFor(() => b.timers.at(-1)?.timer.version === 2, { what: 'the goto broadcast' })
      const pairs: Array<[Record<string, unknown>, Record<string, unknown>]> = [
        [{ type: 'prev' }, { type: 'prev' }],
        [{ type: 'extend', minutes: 5 }, { type: 'extend', minutes: 5 }],
        [{ type: 'next', expectedVersion: 4 }, { type: 'next' }],
      ]
      let version = 2
      for (const [first, second] of pairs) {
        const replies = await Promise.all([command(a.socket, first), command(b.socket, second)])
        expect(replies.filter((r) => r.ok), JSON.stringify(replies)).toHaveLength(1)
        expect(replies.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'conflict' } })
        version++
        for (const who of [a, b]) await waitFor(() => who.timers.at(-1)?.timer.version === version, { what: `v${version} broadcast` })
      }
      const timer = await timerOf(created)
      expect(timer).toMatchObject({ version: 5, stepIndex: 3 })
      // One extension of five minutes, on step 2 ("data"), where prev left it.
      expect(timer.steps[2]!.plannedMs - a.timers[0]!.timer.steps[2]!.plannedMs).toBe(5 * 60_000)
    })

    it('an interviewer pressing next twice in a row, each after the last step arrived, moves two steps', async () => {
      const created = await createRoom(server.url)
      const a = await join(created.tokens.interviewer, 'Ada')
      expect((await command(a.socket, { type: 'start' })).ok).toBe(true)
      expect(await command(a.socket, { type: 'next' })).toMatchObject({ ok: true, timer: { version: 2, stepIndex: 1 } })
      expect(await command(a.socket, { type: 'next' })).toMatchObject({ ok: true, timer: { version: 3, stepIndex: 2 } })
    })
  })
})

// Postgres only: PGlite runs in the server's process and has no connection to drop.
describe.skipIf(dbKind !== 'postgres')('timer commands across a dropped database connection (postgres only: PGlite has no connection to drop)', () => {
  // The server's own connections carry this name, so the test terminates those and nobody else's.
  const applicationName = `stepwise-test-${randomBytes(6).toString('hex')}`
  let server: TestServer
  let admin: ReturnType<typeof postgres>
  const sockets: ClientSocket[] = []

  beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL!)
    url.searchParams.set('application_name', applicationName)
    server = await startTestServer({ env: { DATABASE_URL: url.toString() } })
    admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
  })
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect()
  })
  afterAll(async () => {
    await server?.stop()
    await admin?.end({ timeout: 5 })
  })

  /** Terminates every connection the test server holds; returns how many. */
  const dropServerConnections = async (): Promise<number> => {
    const rows = await admin`
      select pg_terminate_backend(pid) as done from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and application_name = ${applicationName}`
    return rows.filter((r) => r.done).length
  }

  const command = (socket: ClientSocket, cmd: unknown): Promise<Reply> =>
    socket.timeout(10_000).emitWithAck('timer:command', cmd as never) as Promise<Reply>

  it('six timer commands right after the server lost its database connections are all acked ok', async () => {
    // Six rooms, so six commands run at once on six pooled connections, as six interviewers would.
    const rooms = await Promise.all(Array.from({ length: 6 }, () => createRoom(server.url)))
    const interviewers = await Promise.all(rooms.map(async (r) => (await connectSocket(server.url, r.tokens.interviewer)).socket))
    sockets.push(...interviewers)
    // Warm the pool: every connection is open (and then dropped) before the commands.
    expect((await Promise.all(interviewers.map((s) => command(s, { type: 'start' })))).map((r) => r.ok)).toEqual([true, true, true, true, true, true])
    expect(await dropServerConnections()).toBeGreaterThan(0)
    const replies = await Promise.all(interviewers.map((s) => command(s, { type: 'pause' })))
    expect(replies.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok'])

    // And one interviewer's six commands in a row, the connections dropped before each.
    const [first] = interviewers
    const types = ['resume', 'next', 'pause', 'resume', 'prev', 'end']
    for (const type of types) {
      await dropServerConnections()
      const reply = await command(first!, { type })
      expect(reply.ok ? 'ok' : reply.error.code, type).toBe('ok')
    }
    const timer = (await api(server.url, `/api/rooms/${rooms[0]!.room.id}`, { token: rooms[0]!.tokens.observer })).body.timer as TimerState
    expect(timer).toMatchObject({ status: 'ended', version: 2 + types.length })
  })
})

/** A Redis of the test's own on a free port (never the shared one): the nodes relay through it. */
async function startOwnRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  return { url: `redis://127.0.0.1:${port}`, child: await startRedis(port) }
}

// Two nodes share one database: Postgres only (PGlite is one process's), with redis-server on the PATH.
const canRunTwoNodes = dbKind === 'postgres' && hasRedis
describe.skipIf(!canRunTwoNodes)('timer commands across two nodes (postgres and redis-server only: two nodes share one database through Redis)', () => {
  let redis: { url: string; child: ChildProcess }
  let nodes: TestServer[] = []
  const sockets: ClientSocket[] = []

  beforeAll(async () => {
    redis = await startOwnRedis()
    // One SECRET: a token from one node is good on the other.
    const env = { REDIS_URL: redis.url, SECRET: randomBytes(32).toString('hex') }
    nodes = [await startTestServer({ env }), await startTestServer({ env })]
  })
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.disconnect()
    for (const node of nodes) await node.stop()
    redis?.child.kill('SIGKILL')
  })

  const command = (socket: ClientSocket, cmd: unknown): Promise<Reply> =>
    socket.timeout(5000).emitWithAck('timer:command', cmd as never) as Promise<Reply>

  /** A panel room with an interviewer on each node: Ada on node 0, Barbara on node 1. */
  const panelOnTwoNodes = async () => {
    const created = await createRoom(nodes[0]!.url, { mode: 'panel' })
    const panelist = await api(nodes[0]!.url, `/api/rooms/${created.room.id}/links`, { token: created.tokens.interviewer, body: { role: 'interviewer' } })
    const a = await connectSocket(nodes[0]!.url, created.tokens.interviewer, 'Ada')
    const b = await connectSocket(nodes[1]!.url, panelist.body.link.token, 'Barbara')
    sockets.push(a.socket, b.socket)
    return { created, a, b }
  }

  it('a next without expectedVersion from an interviewer on the other node applies once the step relayed to them, and two at once still move one step', async () => {
    const { created, a, b } = await panelOnTwoNodes()
    const seenByA: number[] = []
    const seenByB: number[] = []
    a.socket.on('timer', ({ timer }) => seenByA.push(timer.version))
    b.socket.on('timer', ({ timer }) => seenByB.push(timer.version))
    expect((await command(a.socket, { type: 'start' })).ok).toBe(true)
    // Relayed from node 0: node 1 knows Barbara has seen version 1.
    await waitFor(() => seenByB.includes(1), { what: 'the start relayed to the other node' })
    expect(await command(b.socket, { type: 'next' })).toMatchObject({ ok: true, timer: { version: 2, stepIndex: 1 } })
    // Ada sees Barbara's step, relayed the other way, before they both press again.
    await waitFor(() => seenByA.includes(2), { what: "Barbara's step relayed to Ada's node" })
    const replies = await Promise.all([command(a.socket, { type: 'next' }), command(b.socket, { type: 'next' })])
    expect(replies.filter((r) => r.ok), JSON.stringify(replies)).toHaveLength(1)
    expect(replies.find((r) => !r.ok)).toMatchObject({ error: { code: 'conflict' } })
    expect((await api(nodes[1]!.url, `/api/rooms/${created.room.id}`, { token: created.tokens.observer })).body.timer).toMatchObject({ version: 3, stepIndex: 2 })
  })

  it('50 times over, two interviewers on two nodes pressing next at once move one step: one is acked, the other told of the conflict', async () => {
    const { a, b } = await panelOnTwoNodes()
    let timer = (await command(a.socket, { type: 'start' })) as Extract<Reply, { ok: true }>
    for (let trial = 0; trial < 50; trial++) {
      const version = timer.timer.version
      const replies = await Promise.all([a, b].map((p) => command(p.socket, { type: 'next', expectedVersion: version })))
      const won = replies.filter((r): r is Extract<Reply, { ok: true }> => r.ok)
      expect(won, `trial ${trial}: ${JSON.stringify(replies)}`).toHaveLength(1)
      expect(won[0]!.timer).toMatchObject({ version: version + 1, stepIndex: 1 })
      expect(replies.find((r) => !r.ok)).toMatchObject({ error: { code: 'conflict' } })
      // Back to step 1 for the next trial (by whichever node).
      timer = (await command((trial % 2 ? a : b).socket, { type: 'prev', expectedVersion: version + 1 })) as Extract<Reply, { ok: true }>
      expect(timer).toMatchObject({ ok: true, timer: { version: version + 2, stepIndex: 0 } })
    }
  }, 60_000)
})
