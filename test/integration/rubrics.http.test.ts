import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { and, asc, eq } from 'drizzle-orm'
import { rubrics } from '../../server/db/schema.js'
import type { RubricsStatusPayload } from '../../shared/protocol/events.js'
import { api, type ClientSocket, connectSocket, createRoom, type CreatedRoom, waitFor } from '../helpers/clients.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'
import { claimsOf } from '../helpers/tokens.js'

const STEP_KEYS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor'] as const
type StepKey = (typeof STEP_KEYS)[number]
type Score = 1 | 2 | 3 | 4 | 'no_signal' | null

/** A complete draft for the built-in kit: every step scored, with evidence text (carrying `marker`) and links. */
function fullDraft(marker: string, scores: Partial<Record<StepKey, Score>> = {}) {
  const defaults: Record<StepKey, Score> = { clarify: 4, frame: 3, data: 2, model: 1, evaluate: 'no_signal', serve: 3, monitor: 2 }
  return {
    steps: Object.fromEntries(
      STEP_KEYS.map((key, i) => [
        key,
        {
          score: key in scores ? scores[key]! : defaults[key],
          evidence: `${marker} evidence for ${key}: named the trade-off between recall and latency`,
          links: [
            { type: 'node', nodeId: `node-${key}`, label: `${marker} box ${key}` },
            { type: 'moment', at: 1_700_000_000_000 + i * 60_000, stepKey: key },
          ],
        },
      ]),
    ),
    recommendation: 'strong_hire',
    level: 'staff',
    feedback: `${marker} feedback: strong on serving, think about drift earlier.`,
  }
}

describe(`rubrics over HTTP and their secrecy (${dbKind})`, () => {
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

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    // `details` is there only where a client can act on it (what a submit still misses).
    const { details, ...error } = res.body.error
    expect({ error }).toEqual({ error: { code, message: expect.any(String) } })
    if (details !== undefined) expect(details).toEqual({ missing: expect.any(Array) })
    expect(res.body.error.message.length).toBeGreaterThan(0)
  }

  const path = (created: CreatedRoom, rest: string) => `/api/rooms/${created.room.id}${rest}`
  const getRubrics = (created: CreatedRoom, token: string, query = '') => api(server.url, path(created, `/rubrics${query}`), { token })
  const save = (created: CreatedRoom, token: string, body: unknown, query = '') =>
    api(server.url, path(created, `/rubrics/mine${query}`), { token, method: 'PUT', body })
  const saveRaw = (created: CreatedRoom, token: string, rawBody: string) =>
    api(server.url, path(created, '/rubrics/mine'), { token, method: 'PUT', rawBody })
  const submit = (created: CreatedRoom, token: string, body: unknown = {}) =>
    api(server.url, path(created, '/rubrics/mine/submit'), { token, method: 'POST', body })
  const share = (created: CreatedRoom, token: string) => api(server.url, path(created, '/feedback/share'), { token, method: 'POST', body: {} })

  /** The stored rubric rows of a room, oldest link first: what "nothing changed" is checked against. */
  const rowsOf = (created: CreatedRoom) =>
    server.deps.db.select().from(rubrics).where(eq(rubrics.roomId, created.room.id)).orderBy(asc(rubrics.linkId))

  const addInterviewer = async (created: CreatedRoom, label: string) => {
    const res = await api(server.url, path(created, '/links'), { token: created.tokens.interviewer, body: { role: 'interviewer', label } })
    expect(res.status).toBe(201)
    return res.body.link as { id: string; token: string }
  }

  /** A socket that records every event it receives, room:state on connect included. */
  const join = async (token: string, name?: string) => {
    const { socket, state } = await connectSocket(server.url, token, name)
    sockets.push(socket)
    const events: Array<{ event: string; payload: unknown }> = [{ event: 'room:state', payload: state }]
    socket.onAny((event, payload) => events.push({ event, payload }))
    return { socket, state, events }
  }

  /**
   * A round trip on the socket: the server answers a timer command in order with everything it
   * emitted to this socket before, so afterwards nothing sent earlier can still be on its way.
   */
  const roundTrip = (socket: ClientSocket) => socket.timeout(5000).emitWithAck('timer:command', { type: 'pause', expectedVersion: -1 } as never)

  const endInterview = async (token: string) => {
    const { socket } = await join(token)
    for (const type of ['start', 'end'] as const) {
      const reply = (await socket.timeout(5000).emitWithAck('timer:command', { type })) as { ok: boolean }
      expect(reply.ok).toBe(true)
    }
    socket.disconnect()
  }

  describe("an interviewer's draft", () => {
    it('starts as an empty version-0 rubric with every step of the kit', async () => {
      const created = await createRoom(server.url)
      const res = await getRubrics(created, created.tokens.interviewer)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ round: 1, others: [], calibration: null, feedback: null })
      expect(res.body.mine).toMatchObject({ status: 'draft', version: 0, recommendation: null, level: null, feedback: '', submittedAt: null, round: 1 })
      expect(Object.keys(res.body.mine.steps).sort()).toEqual([...STEP_KEYS].sort())
      for (const key of STEP_KEYS) expect(res.body.mine.steps[key]).toEqual({ score: null, evidence: '', links: [] })
      expect(res.body.mine.linkId).toBe(claimsOf(created.tokens.interviewer).linkId)
      expect(await rowsOf(created)).toEqual([])
    })

    it('saves and reads back every field: scores, evidence, node and moment links, recommendation, level, feedback and name', async () => {
      const created = await createRoom(server.url)
      const draft = fullDraft('SAVE-1')
      const saved = await save(created, created.tokens.interviewer, { ...draft, name: 'Ada' })
      expect(saved.status, JSON.stringify(saved.body)).toBe(200)
      expect(saved.body.rubric).toMatchObject({ ...draft, status: 'draft', interviewerName: 'Ada', round: 1, submittedAt: null })
      expect(saved.body.rubric.version).toBeGreaterThan(0)

      const read = await getRubrics(created, created.tokens.interviewer)
      expect(read.status).toBe(200)
      expect(read.body.mine).toEqual(saved.body.rubric)
      expect(read.body.mine.steps).toEqual(draft.steps)
      expect(read.body.panel).toEqual([{ linkId: claimsOf(created.tokens.interviewer).linkId, name: 'Ada', status: 'draft' }])
      // One row, the caller's own.
      const rows = await rowsOf(created)
      expect(rows).toHaveLength(1)
      expect(rows[0]!.linkId).toBe(claimsOf(created.tokens.interviewer).linkId)
    })

    it('fills in the steps a partial draft leaves out, unscored, and accepts "no signal" and null scores', async () => {
      const created = await createRoom(server.url)
      const res = await save(created, created.tokens.interviewer, { steps: { evaluate: { score: 'no_signal' }, model: { score: null, evidence: 'not reached yet' } } })
      expect(res.status).toBe(200)
      // jsonb keeps keys in its own order: clients order steps by the kit, never by this object.
      expect(Object.keys(res.body.rubric.steps).sort()).toEqual([...STEP_KEYS].sort())
      expect(res.body.rubric.steps.evaluate).toEqual({ score: 'no_signal', evidence: '', links: [] })
      expect(res.body.rubric.steps.model).toEqual({ score: null, evidence: 'not reached yet', links: [] })
      expect(res.body.rubric.steps.clarify).toEqual({ score: null, evidence: '', links: [] })
    })

    it('moves its version on every save; a stale expectedVersion gets 409 and changes nothing', async () => {
      const created = await createRoom(server.url)
      const token = created.tokens.interviewer
      const first = await save(created, token, { ...fullDraft('V1'), expectedVersion: 0 })
      expect(first.status).toBe(200)
      const v1 = first.body.rubric.version
      const second = await save(created, token, { ...fullDraft('V2', { clarify: 1 }), expectedVersion: v1 })
      expect(second.status).toBe(200)
      const v2 = second.body.rubric.version
      expect(v2).toBeGreaterThan(v1)
      const before = await rowsOf(created)

      // Another tab still holds the first version: its save is refused.
      expectError(await save(created, token, { ...fullDraft('STALE', { clarify: 4 }), expectedVersion: v1 }), 409, 'conflict')
      // A rubric that exists is never "version 0" again.
      expectError(await save(created, token, { ...fullDraft('STALE'), expectedVersion: 0 }), 409, 'conflict')
      expectError(await save(created, token, { ...fullDraft('STALE'), expectedVersion: v2 + 5 }), 409, 'conflict')
      expect(await rowsOf(created)).toEqual(before)
      const read = await getRubrics(created, token)
      expect(read.body.mine).toEqual(second.body.rubric)
      expect(read.body.mine.steps.clarify.score).toBe(1)
      expect(JSON.stringify(read.body)).not.toContain('STALE')
    })

    it('refuses an expectedVersion other than 0 for a rubric that was never saved, and creates nothing', async () => {
      const created = await createRoom(server.url)
      expectError(await save(created, created.tokens.interviewer, { ...fullDraft('NEW'), expectedVersion: 3 }), 409, 'conflict')
      expect(await rowsOf(created)).toEqual([])
    })
  })

  describe('invalid input gets 400 and changes nothing', () => {
    /** A room with one saved draft, and a check that the stored rubric is exactly as it was. */
    const roomWithDraft = async () => {
      const created = await createRoom(server.url)
      const saved = await save(created, created.tokens.interviewer, fullDraft('KEEP'))
      expect(saved.status).toBe(200)
      const before = await rowsOf(created)
      return {
        created,
        unchanged: async () => {
          expect(await rowsOf(created)).toEqual(before)
          expect((await getRubrics(created, created.tokens.interviewer)).body.mine).toEqual(saved.body.rubric)
        },
      }
    }

    it('unknown step keys, and keys that are not step slugs', async () => {
      const { created, unchanged } = await roomWithDraft()
      const token = created.tokens.interviewer
      const unknown = await save(created, token, { steps: { clarify: { score: 3 }, culture: { score: 4 } } })
      expectError(unknown, 400, 'invalid')
      expect(unknown.body.error.message).toContain('culture')
      for (const key of ['Clarify', 'clarify!', '', 'x'.repeat(40)]) {
        expectError(await save(created, token, { steps: { [key]: { score: 3 } } }), 400, 'invalid')
      }
      await unchanged()
    })

    it('an evidence moment that points at a step the kit does not have', async () => {
      const { created, unchanged } = await roomWithDraft()
      const res = await save(created, created.tokens.interviewer, {
        steps: { clarify: { score: 3, links: [{ type: 'moment', at: 1_700_000_000_000, stepKey: 'culture' }] } },
      })
      expectError(res, 400, 'invalid')
      expect(res.body.error.message).toContain('culture')
      await unchanged()
    })

    it('scores outside 1-4 and "no signal": 0, 5, "great", "3", 2.5, -1, true', async () => {
      const { created, unchanged } = await roomWithDraft()
      for (const score of [0, 5, 'great', '3', 2.5, -1, true, 'No signal']) {
        expectError(await save(created, created.tokens.interviewer, { steps: { clarify: { score } } }), 400, 'invalid')
      }
      await unchanged()
    })

    it('a recommendation, level or evidence link that is not one of the allowed shapes', async () => {
      const { created, unchanged } = await roomWithDraft()
      const token = created.tokens.interviewer
      for (const body of [
        { recommendation: 'maybe' },
        { recommendation: 'Strong hire' },
        { level: 'principal' },
        { steps: { clarify: { links: [{ type: 'url', href: 'https://example.com' }] } } },
        { steps: { clarify: { links: [{ type: 'node', nodeId: '' }] } } },
        { steps: { clarify: { links: [{ type: 'moment', at: -5, stepKey: 'clarify' }] } } },
        { steps: { clarify: { links: Array.from({ length: 21 }, (_, i) => ({ type: 'node', nodeId: `n${i}` })) } } },
        { steps: { clarify: { evidence: 42 } } },
        { feedback: null },
        { steps: [] },
      ]) {
        expectError(await save(created, token, body), 400, 'invalid')
      }
      await unchanged()
    })

    it('oversized evidence, feedback and name (the limits themselves are fine)', async () => {
      const { created, unchanged } = await roomWithDraft()
      const token = created.tokens.interviewer
      expectError(await save(created, token, { steps: { clarify: { evidence: 'e'.repeat(5001) } } }), 400, 'invalid')
      expectError(await save(created, token, { feedback: 'f'.repeat(20_001) }), 400, 'invalid')
      expectError(await save(created, token, { name: 'n'.repeat(41) }), 400, 'invalid')
      expectError(await save(created, token, { steps: { clarify: { links: [{ type: 'node', nodeId: 'n'.repeat(65) }] } } }), 400, 'invalid')
      // A body over the server's limit is refused before it is read.
      expectError(await save(created, token, { feedback: 'f'.repeat(300 * 1024) }), 413, 'too_large')
      await unchanged()

      const atLimit = await save(created, token, { steps: { clarify: { evidence: 'e'.repeat(5000) } }, feedback: 'f'.repeat(20_000) })
      expect(atLimit.status).toBe(200)
      expect(atLimit.body.rubric.steps.clarify.evidence).toHaveLength(5000)
    })

    it('extra fields anywhere, including ones that would set status, version or owner', async () => {
      const { created, unchanged } = await roomWithDraft()
      const token = created.tokens.interviewer
      const otherLink = claimsOf(created.tokens.candidate).linkId
      for (const body of [
        { status: 'submitted' },
        { version: 99 },
        { linkId: otherLink },
        { round: 2 },
        { submittedAt: new Date().toISOString() },
        { ...fullDraft('X'), surprise: true },
        { steps: { clarify: { score: 3, private: 'note' } } },
        { steps: { clarify: { links: [{ type: 'node', nodeId: 'n1', extra: 1 }] } } },
        { steps: { clarify: { links: [{ type: 'moment', at: 1, stepKey: 'clarify', nodeId: 'n1' }] } } },
      ]) {
        expectError(await save(created, token, body), 400, 'invalid')
      }
      await unchanged()
    })

    it('malformed JSON and bodies that are not objects', async () => {
      const { created, unchanged } = await roomWithDraft()
      const token = created.tokens.interviewer
      for (const raw of ['{"steps": {', 'not json', '', '[]', 'null', '"draft"', '42']) {
        expectError(await saveRaw(created, token, raw), 400, 'invalid')
      }
      expectError(
        await api(server.url, path(created, '/rubrics/mine/submit'), { token, method: 'POST', rawBody: '{oops' }),
        400,
        'invalid',
      )
      await unchanged()
      expect((await getRubrics(created, token)).body.mine.status).toBe('draft')
    })

    it('a round that is not a positive integer is 400, one that has not started is 404', async () => {
      const created = await createRoom(server.url)
      expectError(await getRubrics(created, created.tokens.interviewer, '?round=0'), 400, 'invalid')
      for (const bad of ['one', '', '1e0', '0x1', '+1', '1.0', '13', '99999999999999999999']) expectError(await getRubrics(created, created.tokens.interviewer, `?round=${bad}`), 400, 'invalid')
      expectError(await getRubrics(created, created.tokens.interviewer, '?round=2'), 404, 'not_found')
      expectError(await save(created, created.tokens.interviewer, fullDraft('R2'), '?round=2'), 404, 'not_found')
      expect(await rowsOf(created)).toEqual([])
    })
  })

  describe('submitting', () => {
    it('lists every missing score, the recommendation and the level, with 400, and leaves the draft a draft', async () => {
      const created = await createRoom(server.url)
      const token = created.tokens.interviewer
      await save(created, token, { steps: { clarify: { score: 3 }, frame: { score: 'no_signal' }, data: { score: 2 } } })
      const before = await rowsOf(created)
      const res = await submit(created, token)
      expectError(res, 400, 'invalid')
      for (const key of ['model', 'evaluate', 'serve', 'monitor']) expect(res.body.error.message).toContain(`"${key}"`)
      for (const key of ['clarify', 'frame', 'data']) expect(res.body.error.message).not.toContain(`"${key}"`)
      expect(res.body.error.message).toContain('recommendation')
      expect(res.body.error.message).toContain('level')
      expect(res.body.error.details.missing).toEqual([
        ...['model', 'evaluate', 'serve', 'monitor'].map((k) => `a score for step "${k}"`),
        'an overall recommendation',
        'the level demonstrated',
      ])
      expect(await rowsOf(created)).toEqual(before)

      // Only the level left: the message names just that.
      const all = fullDraft('ALMOST')
      await save(created, token, { ...all, level: null })
      const onlyLevel = await submit(created, token)
      expectError(onlyLevel, 400, 'invalid')
      expect(onlyLevel.body.error.message).toContain('level')
      expect(onlyLevel.body.error.message).not.toContain('recommendation')
      expect(onlyLevel.body.error.message).not.toContain('step')
      expect((await getRubrics(created, token)).body.mine.status).toBe('draft')
    })

    it('lists everything that is missing for a rubric that was never saved, and creates nothing', async () => {
      const created = await createRoom(server.url)
      const res = await submit(created, created.tokens.interviewer)
      expectError(res, 400, 'invalid')
      for (const key of STEP_KEYS) expect(res.body.error.message).toContain(`"${key}"`)
      expect(res.body.error.message).toContain('recommendation')
      expect(res.body.error.message).toContain('level')
      expect(await rowsOf(created)).toEqual([])
    })

    it('locks the rubric: a later save or a second submit gets 409 and nothing changes', async () => {
      const created = await createRoom(server.url)
      const token = created.tokens.interviewer
      const saved = await save(created, token, fullDraft('LOCKED'))
      const done = await submit(created, token, { expectedVersion: saved.body.rubric.version })
      expect(done.status, JSON.stringify(done.body)).toBe(200)
      expect(done.body.rubric).toMatchObject({ ...fullDraft('LOCKED'), status: 'submitted', submittedAt: expect.any(String) })
      const before = await rowsOf(created)

      expectError(await save(created, token, fullDraft('AFTER')), 409, 'conflict')
      expectError(await save(created, token, { ...fullDraft('AFTER'), expectedVersion: done.body.rubric.version }), 409, 'conflict')
      expectError(await submit(created, token), 409, 'conflict')
      expect(await rowsOf(created)).toEqual(before)
      const read = await getRubrics(created, token)
      expect(read.body.mine).toEqual(done.body.rubric)
      expect(JSON.stringify(read.body)).not.toContain('AFTER')
    })

    it('refuses a submit against a stale version with 409', async () => {
      const created = await createRoom(server.url)
      const token = created.tokens.interviewer
      const first = await save(created, token, fullDraft('A'))
      await save(created, token, fullDraft('B'))
      expectError(await submit(created, token, { expectedVersion: first.body.rubric.version }), 409, 'conflict')
      expect((await getRubrics(created, token)).body.mine.status).toBe('draft')
      expectError(await submit(created, token, { expectedVersion: 'latest' }), 400, 'invalid')
      expectError(await submit(created, token, { force: true }), 400, 'invalid')
    })
  })

  describe('candidates and observers never reach a rubric', () => {
    it('get 403 from reading, saving, submitting and sharing, and nothing is created', async () => {
      const created = await createRoom(server.url)
      await save(created, created.tokens.interviewer, fullDraft('SECRET'))
      await submit(created, created.tokens.interviewer)
      await endInterview(created.tokens.interviewer)
      const before = await rowsOf(created)
      for (const role of ['candidate', 'observer'] as const) {
        const token = created.tokens[role]
        for (const query of ['', '?round=1']) {
          const res = await getRubrics(created, token, query)
          expectError(res, 403, 'forbidden')
          expect(JSON.stringify(res.body)).not.toContain('SECRET')
        }
        expectError(await save(created, token, fullDraft('INTRUDER')), 403, 'forbidden')
        // Even a malformed body: the role is checked first, so nothing about the rubric leaks.
        expectError(await saveRaw(created, token, '{nope'), 403, 'forbidden')
        expectError(await submit(created, token), 403, 'forbidden')
        expectError(await share(created, token), 403, 'forbidden')
      }
      expect(await rowsOf(created)).toEqual(before)
      // Nothing was shared on their behalf: the candidate still has no feedback.
      expectError(await api(server.url, path(created, '/feedback'), { token: created.tokens.candidate }), 403, 'forbidden')
    })

    it('get no rubric field in GET /api/rooms/:id, room:state, presence or timer, before and after sharing', async () => {
      const created = await createRoom(server.url)
      const marker = 'RUBRIC-SECRET-7f3a'
      const candidate = await join(created.tokens.candidate, 'Grace')
      const observer = await join(created.tokens.observer, 'Linus')
      const interviewer = await join(created.tokens.interviewer, 'Ada')

      /** Everything a non-interviewer could see: their room view and every socket payload so far. */
      const exposed = async () => {
        const views = []
        for (const role of ['candidate', 'observer'] as const) {
          const res = await api(server.url, path(created, ''), { token: created.tokens[role] })
          expect(res.status).toBe(200)
          views.push(res.body)
        }
        // A late joiner's room:state too.
        for (const role of ['candidate', 'observer'] as const) {
          const late = await join(created.tokens[role])
          views.push(late.state)
          late.socket.disconnect()
        }
        await roundTrip(candidate.socket)
        await roundTrip(observer.socket)
        return JSON.stringify([views, candidate.events, observer.events])
      }
      const expectNoRubric = (json: string) => {
        expect(json).not.toContain(marker)
        for (const field of ['"recommendation":', '"evidence":', '"feedback":', '"score":', '"links":', '"calibration":', '"mine":', '"others":']) {
          expect(json).not.toContain(field)
        }
        expect(json).not.toContain('strong_hire')
        expect(json).not.toContain('"level":"staff"')
        expect(json).not.toContain('node-clarify')
      }

      await save(created, created.tokens.interviewer, fullDraft(marker))
      expectNoRubric(await exposed())

      await submit(created, created.tokens.interviewer)
      for (const type of ['start', 'next', 'end'] as const) {
        const reply = (await interviewer.socket.timeout(5000).emitWithAck('timer:command', { type })) as { ok: boolean }
        expect(reply.ok).toBe(true)
      }
      await waitFor(() => candidate.events.some((e) => e.event === 'timer' && (e.payload as any).timer.status === 'ended'), { what: 'the end at the candidate' })
      expectNoRubric(await exposed())

      const shared = await share(created, created.tokens.interviewer)
      expect(shared.status, JSON.stringify(shared.body)).toBe(200)
      await waitFor(() => candidate.events.some((e) => e.event === 'feedback'), { what: 'the feedback event at the candidate' })
      const afterShare = await exposed()
      expectNoRubric(afterShare)
      // The only news of the share in these payloads is content-free.
      expect(candidate.events.find((e) => e.event === 'feedback')!.payload).toEqual({ round: 1, sharedAt: expect.any(String) })
      // The candidate's shared feedback has the text, but arrives only over /feedback (tested in feedback.rounds).
      const feedback = await api(server.url, path(created, '/feedback'), { token: created.tokens.candidate })
      expect(feedback.status).toBe(200)
      expect(JSON.stringify(feedback.body)).toContain(`${marker} feedback`)
      expect(JSON.stringify(feedback.body)).not.toContain(`${marker} evidence`)
    })
  })

  describe('one rubric per interviewer', () => {
    it("an interviewer's save only ever touches their own rubric, and two interviewers' rubrics stay separate", async () => {
      const created = await createRoom(server.url, { mode: 'panel' })
      const ada = created.tokens.interviewer
      const adaLink = claimsOf(ada).linkId
      const bob = await addInterviewer(created, 'Bob')

      const adaSaved = await save(created, ada, { ...fullDraft('ADA'), name: 'Ada' })
      expect(adaSaved.status).toBe(200)
      const adaRow = (await rowsOf(created))[0]!

      // Bob has no way to name Ada's rubric: a link id in the body is refused, in the query ignored.
      expectError(await save(created, bob.token, { ...fullDraft('BOB'), linkId: adaLink }), 400, 'invalid')
      expectError(await save(created, bob.token, { ...fullDraft('BOB'), id: adaSaved.body.rubric.id }), 400, 'invalid')
      expectError(await api(server.url, path(created, `/rubrics/${adaLink}`), { token: bob.token, method: 'PUT', body: fullDraft('BOB') }), 404, 'not_found')
      expectError(await api(server.url, path(created, `/rubrics/${adaSaved.body.rubric.id}`), { token: bob.token, method: 'PUT', body: fullDraft('BOB') }), 404, 'not_found')
      const bobSaved = await save(created, bob.token, { ...fullDraft('BOB', { clarify: 1 }), name: 'Bob' }, `?linkId=${adaLink}`)
      expect(bobSaved.status).toBe(200)
      expect(bobSaved.body.rubric.linkId).toBe(bob.id)
      expect(bobSaved.body.rubric.id).not.toBe(adaSaved.body.rubric.id)

      const rows = await rowsOf(created)
      expect(rows).toHaveLength(2)
      expect(rows.find((r) => r.linkId === adaLink)).toEqual(adaRow)
      expect(rows.find((r) => r.linkId === bob.id)!.draft.feedback).toContain('BOB')

      // Each reads back their own, and Bob's draft is not in Ada's answer (nor Ada's in Bob's).
      const adaView = await getRubrics(created, ada)
      expect(adaView.body.mine).toEqual(adaSaved.body.rubric)
      expect(JSON.stringify(adaView.body)).not.toContain('BOB')
      const bobView = await getRubrics(created, bob.token)
      expect(bobView.body.mine).toEqual(bobSaved.body.rubric)
      expect(JSON.stringify(bobView.body)).not.toContain('ADA')

      // Bob's submit locks Bob's rubric only: Ada can still edit hers.
      await submit(created, bob.token)
      const adaAgain = await save(created, ada, fullDraft('ADA-2'))
      expect(adaAgain.status).toBe(200)
      expect((await getRubrics(created, bob.token)).body.mine.status).toBe('submitted')
    })
  })

  describe('panel mode', () => {
    const panelRoom = async () => {
      const created = await createRoom(server.url, { mode: 'panel' })
      const bob = await addInterviewer(created, 'Bob')
      return { created, ada: created.tokens.interviewer, adaLink: claimsOf(created.tokens.interviewer).linkId, bob }
    }

    const ADA_SCORES = { clarify: 4, frame: 3, data: 2, model: 1, evaluate: 'no_signal', serve: 3, monitor: 'no_signal' } as const
    const BOB_SCORES = { clarify: 2, frame: 3, data: 4, model: 'no_signal', evaluate: 'no_signal', serve: 1, monitor: 4 } as const

    it("hides the others' rubrics until you submit, and keeps calibration back until everyone has", async () => {
      const { created, ada, adaLink, bob } = await panelRoom()
      await save(created, ada, { ...fullDraft('ADA-DRAFT', ADA_SCORES), name: 'Ada' })
      await save(created, bob.token, { ...fullDraft('BOB-DRAFT', BOB_SCORES), name: 'Bob' })

      // Both drafting: each sees only the panel's statuses.
      for (const [token, other] of [[ada, 'BOB-DRAFT'], [bob.token, 'ADA-DRAFT']] as const) {
        const view = await getRubrics(created, token)
        expect(view.body.others).toEqual([])
        expect(view.body.calibration).toBeNull()
        expect(JSON.stringify(view.body)).not.toContain(other)
        expect(view.body.panel).toEqual(
          expect.arrayContaining([
            { linkId: adaLink, name: 'Ada', status: 'draft' },
            { linkId: bob.id, name: 'Bob', status: 'draft' },
          ]),
        )
        expect(view.body.panel).toHaveLength(2)
      }

      // Ada submits; Bob has not: Ada sees no Bob content and no calibration, Bob still sees nothing of Ada's.
      expect((await submit(created, ada)).status).toBe(200)
      const adaWaiting = await getRubrics(created, ada)
      expect(adaWaiting.body.others).toEqual([])
      expect(adaWaiting.body.calibration).toBeNull()
      expect(JSON.stringify(adaWaiting.body)).not.toContain('BOB-DRAFT')
      expect(adaWaiting.body.panel.find((p: { linkId: string }) => p.linkId === bob.id).status).toBe('draft')
      const bobWaiting = await getRubrics(created, bob.token)
      expect(bobWaiting.body.others).toEqual([])
      expect(bobWaiting.body.calibration).toBeNull()
      expect(JSON.stringify(bobWaiting.body)).not.toContain('ADA-DRAFT')
      expect(bobWaiting.body.panel.find((p: { linkId: string }) => p.linkId === adaLink).status).toBe('submitted')

      // Bob submits: both see each other's full rubric and the calibration.
      expect((await submit(created, bob.token)).status).toBe(200)
      const adaView = await getRubrics(created, ada)
      const bobView = await getRubrics(created, bob.token)
      expect(adaView.body.others).toHaveLength(1)
      expect(adaView.body.others[0]).toEqual(bobView.body.mine)
      expect(adaView.body.others[0]).toMatchObject({ ...fullDraft('BOB-DRAFT', BOB_SCORES), status: 'submitted', interviewerName: 'Bob' })
      expect(bobView.body.others).toHaveLength(1)
      expect(bobView.body.others[0]).toEqual(adaView.body.mine)
      expect(adaView.body.calibration).toEqual(bobView.body.calibration)

      const rows = adaView.body.calibration as Array<{ stepKey: string; scores: Array<{ linkId: string; interviewerName: string; score: unknown }>; spread: number | null; mean: number | null }>
      expect(rows.map((r) => r.stepKey)).toEqual([...STEP_KEYS])
      const byStep = Object.fromEntries(
        rows.map((r) => [r.stepKey, { ada: r.scores.find((s) => s.linkId === adaLink)!.score, bob: r.scores.find((s) => s.linkId === bob.id)!.score, spread: r.spread, mean: r.mean }]),
      )
      expect(byStep).toEqual({
        clarify: { ada: 4, bob: 2, spread: 2, mean: 3 },
        frame: { ada: 3, bob: 3, spread: 0, mean: 3 },
        data: { ada: 2, bob: 4, spread: 2, mean: 3 },
        model: { ada: 1, bob: 'no_signal', spread: 0, mean: 1 },
        evaluate: { ada: 'no_signal', bob: 'no_signal', spread: null, mean: null },
        serve: { ada: 3, bob: 1, spread: 2, mean: 2 },
        monitor: { ada: 'no_signal', bob: 4, spread: 0, mean: 4 },
      })
      for (const row of rows) {
        expect(row.scores).toHaveLength(2)
        expect(row.scores.map((s) => s.interviewerName).sort()).toEqual(['Ada', 'Bob'])
      }
    })

    it('waits for a panelist who has not even started before anyone sees calibration', async () => {
      const { created, ada, bob } = await panelRoom()
      const carol = await addInterviewer(created, 'Carol')
      await save(created, ada, fullDraft('ADA'))
      await submit(created, ada)
      await save(created, bob.token, fullDraft('BOB'))
      await submit(created, bob.token)
      const view = await getRubrics(created, ada)
      // Bob's submitted rubric is visible to Ada, who submitted; Carol has nothing yet.
      expect(view.body.others.map((r: { linkId: string }) => r.linkId)).toEqual([bob.id])
      expect(view.body.panel.find((p: { linkId: string }) => p.linkId === carol.id)).toEqual({ linkId: carol.id, name: 'Carol', status: 'none' })
      expect(view.body.calibration).toBeNull()
      // Carol, who has not submitted, sees neither.
      const carolView = await getRubrics(created, carol.token)
      expect(carolView.body.others).toEqual([])
      expect(carolView.body.calibration).toBeNull()
      expect(JSON.stringify(carolView.body)).not.toMatch(/ADA|BOB/)
    })

    it('drops a revoked interviewer link from the panel, so the others can calibrate without it', async () => {
      const { created, ada, adaLink, bob } = await panelRoom()
      const carol = await addInterviewer(created, 'Carol')
      await save(created, carol.token, fullDraft('CAROL', { clarify: 1 }))
      await save(created, ada, fullDraft('ADA', { clarify: 4 }))
      await submit(created, ada)
      await save(created, bob.token, fullDraft('BOB', { clarify: 2 }))
      await submit(created, bob.token)
      expect((await getRubrics(created, ada)).body.calibration).toBeNull()

      const revoked = await api(server.url, path(created, `/links/${carol.id}`), { token: ada, method: 'DELETE' })
      expect(revoked.status).toBe(200)
      expectError(await getRubrics(created, carol.token), 401, 'unauthorized')
      expectError(await save(created, carol.token, fullDraft('CAROL-AGAIN')), 401, 'unauthorized')

      const view = await getRubrics(created, ada)
      expect(view.body.panel.map((p: { linkId: string }) => p.linkId).sort()).toEqual([adaLink, bob.id].sort())
      expect(view.body.calibration).not.toBeNull()
      const clarify = view.body.calibration.find((r: { stepKey: string }) => r.stepKey === 'clarify')
      expect(clarify.scores.map((s: { linkId: string }) => s.linkId).sort()).toEqual([adaLink, bob.id].sort())
      expect(clarify.spread).toBe(2)
      expect(JSON.stringify(view.body)).not.toContain('CAROL')
    })

    it('sends rubric status events to the interviewers only, without any rubric content', async () => {
      const { created, ada, adaLink, bob } = await panelRoom()
      const adaSocket = await join(ada, 'Ada')
      const bobSocket = await join(bob.token, 'Bob')
      const candidate = await join(created.tokens.candidate, 'Grace')
      const observer = await join(created.tokens.observer, 'Linus')
      const statuses = (who: { events: Array<{ event: string; payload: unknown }> }) =>
        who.events.filter((e) => e.event === 'rubrics').map((e) => e.payload as RubricsStatusPayload)
      const statusOf = (p: RubricsStatusPayload, linkId: string) => p.panel.find((x) => x.linkId === linkId)?.status

      await save(created, ada, fullDraft('EVENT-SECRET'))
      for (const who of [adaSocket, bobSocket]) {
        await waitFor(() => statuses(who).some((p) => statusOf(p, adaLink) === 'draft'), { what: "Ada's draft status" })
      }
      await submit(created, ada)
      for (const who of [adaSocket, bobSocket]) {
        await waitFor(() => statuses(who).some((p) => statusOf(p, adaLink) === 'submitted'), { what: "Ada's submitted status" })
      }
      const last = statuses(bobSocket).at(-1)!
      expect(last).toEqual({
        round: 1,
        panel: expect.arrayContaining([
          { linkId: adaLink, name: 'Ada', status: 'submitted' },
          { linkId: bob.id, name: 'Bob', status: 'none' },
        ]),
      })
      expect(last.panel).toHaveLength(2)
      expect(JSON.stringify(statuses(adaSocket))).not.toContain('EVENT-SECRET')

      // Everything emitted before the HTTP replies has reached these sockets after a round trip.
      await roundTrip(candidate.socket)
      await roundTrip(observer.socket)
      expect(statuses(candidate)).toEqual([])
      expect(statuses(observer)).toEqual([])
      expect(JSON.stringify(candidate.events)).not.toContain('EVENT-SECRET')
      expect(JSON.stringify(observer.events)).not.toContain('EVENT-SECRET')
    })
  })
})
