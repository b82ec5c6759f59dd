import { describe, expect, it } from 'vitest'
import { and, asc, eq } from 'drizzle-orm'
import WebSocket from 'ws'
import { roomEvents, roomRounds, yjsUpdates } from '../../server/db/schema.js'
import type { RoomStatePayload } from '../../shared/protocol/events.js'
import { NEW_ROUND_CLOSE_CODE } from '../../shared/rooms/roles.js'
import type { TimerState } from '../../shared/timer/timer.js'
import { addNode, api, type ClientSocket, connectSocket, connectY, createRoom, type CreatedRoom, waitFor, type YClient } from '../helpers/clients.js'
import { dbKind, serverPerSuite } from '../helpers/server.js'

const STEP_KEYS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor'] as const
const SCORES = { clarify: 4, frame: 3, data: 2, model: 1, evaluate: 'no_signal', serve: 3, monitor: 2 } as const

/** A complete rubric: scores, evidence and links carrying `marker`, so a leak is easy to spot. */
function fullDraft(marker: string) {
  return {
    steps: Object.fromEntries(
      STEP_KEYS.map((key) => [
        key,
        {
          score: SCORES[key],
          evidence: `${marker}-EVIDENCE ${key}: hesitated on the latency budget`,
          links: [
            { type: 'node', nodeId: `${marker}-NODE-${key}`, label: `${marker}-LINKLABEL` },
            { type: 'moment', at: 1_700_000_000_000, stepKey: key },
          ],
        },
      ]),
    ),
    recommendation: 'lean_hire',
    level: 'senior',
    feedback: `${marker}-FEEDBACK: clear framing; say more about monitoring.`,
  }
}

type Reply = { ok: true; timer: TimerState } | { ok: false; error: { code: string; message: string } }

describe(`peer feedback and swapping roles (${dbKind})`, () => {
  const env = serverPerSuite()
  const { cleanup } = env

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } })
  }

  const path = (created: CreatedRoom, rest: string) => `/api/rooms/${created.room.id}${rest}`
  const roomView = (created: CreatedRoom, token: string) => api(env.server.url, path(created, ''), { token })
  const getRubrics = (created: CreatedRoom, token: string, query = '') => api(env.server.url, path(created, `/rubrics${query}`), { token })
  const save = (created: CreatedRoom, token: string, body: unknown, query = '') =>
    api(env.server.url, path(created, `/rubrics/mine${query}`), { token, method: 'PUT', body })
  const submit = (created: CreatedRoom, token: string, query = '') =>
    api(env.server.url, path(created, `/rubrics/mine/submit${query}`), { token, method: 'POST', body: {} })
  const share = (created: CreatedRoom, token: string, query = '') =>
    api(env.server.url, path(created, `/feedback/share${query}`), { token, method: 'POST', body: {} })
  const feedbackOf = (created: CreatedRoom, token: string) => api(env.server.url, path(created, '/feedback'), { token })
  const swap = (created: CreatedRoom, token: string, body?: unknown) =>
    api(env.server.url, path(created, '/rounds'), { token, method: 'POST', ...(body === undefined ? {} : { body }) })

  /** A socket that records every event after connecting. */
  const join = async (token: string, name?: string) => {
    const { socket, state } = await connectSocket(env.server.url, token, name)
    cleanup.push(() => socket.disconnect())
    const events: Array<{ event: string; payload: any }> = []
    socket.onAny((event, payload) => events.push({ event, payload }))
    return { socket, state, events }
  }
  const command = (socket: ClientSocket, cmd: unknown): Promise<Reply> =>
    socket.timeout(5000).emitWithAck('timer:command', cmd as never) as Promise<Reply>

  /** Starts and ends the current round's interview as its interviewer would. */
  const endInterview = async (token: string) => {
    const { socket } = await join(token)
    expect((await command(socket, { type: 'start' })).ok).toBe(true)
    expect((await command(socket, { type: 'end' })).ok).toBe(true)
    socket.disconnect()
  }

  /** A stock provider on a y-websocket room name (`<id>`, `<id>/private`, `<id>/r2`, `<id>/r2/private`). */
  const openY = (roomName: string, token: string, opts: { doc?: 'board' | 'private' } = {}) => {
    const client = connectY(env.server.url, roomName, token, opts) as YClient & { closes: number[] }
    client.closes = []
    client.provider.on('connection-close', (event: { code?: number } | null) => client.closes.push(event?.code ?? -1))
    cleanup.push(() => client.destroy())
    return client
  }

  /** The HTTP answer to a Yjs upgrade (101 when it opened and the server greeted it with the document). */
  const upgradeStatus = (roomName: string, token: string) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${env.server.url.replace(/^http/, 'ws')}/yjs/${roomName}?token=${encodeURIComponent(token)}`)
      // Waiting for the greeting means the document finished loading before the socket goes.
      ws.once('message', () => {
        ws.terminate()
        resolve(101)
      })
      ws.on('unexpected-response', (req, res) => {
        resolve(res.statusCode!)
        req.destroy()
      })
      ws.on('error', reject)
    })

  const logOf = async (roomId: string, doc: string) => {
    await env.server.store.flush()
    return env.server.deps.db
      .select()
      .from(yjsUpdates)
      .where(and(eq(yjsUpdates.roomId, roomId), eq(yjsUpdates.doc, doc)))
      .orderBy(asc(yjsUpdates.seq))
  }

  /**
   * Edits `client.doc`, then announces an awareness marker on the same socket: once `watcher` sees
   * the marker, any relayed edit would already have reached it.
   */
  const editThenMark = async (client: YClient, watcher: YClient, edit: () => void, marker: string) => {
    edit()
    client.provider.awareness.setLocalStateField('user', { marker })
    await waitFor(() => watcher.provider.awareness.getStates().get(client.doc.clientID)?.user?.marker === marker, { what: `awareness ${marker}` })
  }

  const PRIVATE = 'PRIVATE-NOTE-9c1: candidate seemed to have seen this question before'

  /**
   * Round one of a peer room, played out: the candidate draws and writes notes, the interviewer
   * keeps private notes, scores, submits and ends the interview.
   */
  const playRoundOne = async (opts: { questionId?: string; marker?: string; end?: boolean; submit?: boolean } = {}) => {
    const created = await createRoom(env.server.url, { questionId: opts.questionId ?? 'visual-search' })
    const { room, tokens } = created
    const marker = opts.marker ?? 'R1'
    const board = openY(room.id, tokens.candidate)
    const notes = openY(room.id, tokens.interviewer, { doc: 'private' })
    await Promise.all([board.synced, notes.synced])
    addNode(board.doc, 'r1-ranker', { label: 'Round 1 ranker' })
    board.doc.getText('notes:clarify').insert(0, 'ROUND-1 NOTES: 10M DAU')
    notes.doc.getText('private:clarify').insert(0, PRIVATE)
    // Another reader sees both: the server has them.
    const reader = openY(room.id, tokens.interviewer)
    const privateReader = openY(room.id, tokens.interviewer, { doc: 'private' })
    await waitFor(() => reader.doc.getMap('nodes').has('r1-ranker') && reader.doc.getText('notes:clarify').toString().includes('ROUND-1'), { what: 'round-1 board' })
    await waitFor(() => privateReader.doc.getText('private:clarify').toString() === PRIVATE, { what: 'round-1 private notes' })
    for (const c of [board, notes, reader, privateReader]) c.destroy()

    const saved = await save(created, tokens.interviewer, { ...fullDraft(marker), name: 'Ada' })
    expect(saved.status, JSON.stringify(saved.body)).toBe(200)
    let rubric = saved.body.rubric
    if (opts.submit !== false) {
      const done = await submit(created, tokens.interviewer)
      expect(done.status, JSON.stringify(done.body)).toBe(200)
      rubric = done.body.rubric
    }
    if (opts.end !== false) await endInterview(tokens.interviewer)
    return { created, room, tokens, rubric }
  }

  describe('sharing feedback', () => {
    it('needs the interview ended (409 before) and a submitted rubric (409 without), and changes nothing when refused', async () => {
      const early = await playRoundOne({ end: false })
      expectError(await share(early.created, early.tokens.interviewer), 409, 'conflict')
      expectError(await feedbackOf(early.created, early.tokens.candidate), 403, 'forbidden')
      expect((await roomView(early.created, early.tokens.candidate)).body.rounds[0].feedbackShared).toBe(false)

      const drafty = await playRoundOne({ submit: false })
      expectError(await share(drafty.created, drafty.tokens.interviewer), 409, 'conflict')
      expectError(await feedbackOf(drafty.created, drafty.tokens.candidate), 403, 'forbidden')
      expect((await roomView(drafty.created, drafty.tokens.candidate)).body.rounds[0].feedbackShared).toBe(false)

      // Once submitted it shares; a second share is a conflict.
      expect((await submit(drafty.created, drafty.tokens.interviewer)).status).toBe(200)
      expect((await share(drafty.created, drafty.tokens.interviewer)).status).toBe(200)
      expectError(await share(drafty.created, drafty.tokens.interviewer), 409, 'conflict')
    })

    it('gives the candidate only scores per step, recommendation, level and feedback text: never evidence, links or private notes', async () => {
      const { created, tokens } = await playRoundOne({ marker: 'LEAK' })
      const shared = await share(created, tokens.interviewer)
      expect(shared.status, JSON.stringify(shared.body)).toBe(200)

      const res = await feedbackOf(created, tokens.candidate)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        feedback: [
          {
            round: 1,
            interviewerName: 'Ada',
            steps: Object.fromEntries(STEP_KEYS.map((k) => [k, { score: SCORES[k] }])),
            recommendation: 'lean_hire',
            level: 'senior',
            feedback: 'LEAK-FEEDBACK: clear framing; say more about monitoring.',
            sharedAt: expect.any(String),
          },
        ],
      })
      for (const step of Object.values(res.body.feedback[0].steps)) expect(Object.keys(step as object)).toEqual(['score'])
      const json = JSON.stringify(res.body)
      for (const secret of ['LEAK-EVIDENCE', 'LEAK-NODE', 'LEAK-LINKLABEL', 'PRIVATE-NOTE', '"evidence"', '"links"', '"moment"', 'private']) {
        expect(json).not.toContain(secret)
      }
      // What the interviewer was told was shared is the same thing.
      expect(shared.body).toEqual({ feedback: res.body.feedback[0] })
      // The room's round list says so, without content.
      expect((await roomView(created, tokens.candidate)).body.rounds).toEqual([expect.objectContaining({ round: 1, feedbackShared: true })])
    })

    it('is 403 for the candidate before sharing, and 403 for observers always', async () => {
      const { created, tokens } = await playRoundOne()
      expectError(await feedbackOf(created, tokens.candidate), 403, 'forbidden')
      expectError(await feedbackOf(created, tokens.observer), 403, 'forbidden')
      // The interviewer may look: nothing shared yet.
      expect(await feedbackOf(created, tokens.interviewer)).toEqual({ status: 200, body: { feedback: [] } })
      await share(created, tokens.interviewer)
      expectError(await feedbackOf(created, tokens.observer), 403, 'forbidden')
      expect((await feedbackOf(created, tokens.candidate)).status).toBe(200)
      expect((await feedbackOf(created, tokens.interviewer)).body.feedback).toHaveLength(1)
    })

    it('announces the share to everyone in the room with a content-free feedback event', async () => {
      const { created, tokens } = await playRoundOne({ marker: 'EVT' })
      const people = await Promise.all([join(tokens.interviewer, 'Ada'), join(tokens.candidate, 'Grace'), join(tokens.observer, 'Linus')])
      const shared = await share(created, tokens.interviewer)
      const sharedAt = (await feedbackOf(created, tokens.candidate)).body.feedback[0].sharedAt
      for (const person of people) {
        const event = await waitFor(() => person.events.find((e) => e.event === 'feedback'), { what: 'the feedback event' })
        expect(event!.payload).toEqual({ round: 1, sharedAt })
        expect(JSON.stringify(person.events)).not.toContain('EVT-')
      }
      expect(shared.body.feedback.sharedAt).toBe(sharedAt)
    })
  })

  describe('swapping roles', () => {
    it('is refused to the candidate and observer (403), before the interview ended (409), and in panel mode (400)', async () => {
      const created = await createRoom(env.server.url, { questionId: 'visual-search' })
      expectError(await swap(created, created.tokens.interviewer), 409, 'conflict')
      await endInterview(created.tokens.interviewer)
      expectError(await swap(created, created.tokens.candidate), 403, 'forbidden')
      expectError(await swap(created, created.tokens.observer), 403, 'forbidden')
      expectError(await swap(created, created.tokens.interviewer, { questionId: 'no-such-question' }), 400, 'invalid')
      expectError(await swap(created, created.tokens.interviewer, { questionId: 'news-feed', roles: 'swap' }), 400, 'invalid')
      expectError(await api(env.server.url, path(created, '/rounds'), { token: created.tokens.interviewer, rawBody: '{bad' }), 400, 'invalid')
      const view = await roomView(created, created.tokens.candidate)
      expect(view.body).toMatchObject({ role: 'candidate', room: { round: 1 } })
      expect(view.body.rounds).toHaveLength(1)

      const panel = await createRoom(env.server.url, { mode: 'panel' })
      expectError(await swap(panel, panel.tokens.interviewer), 400, 'invalid')
      await endInterview(panel.tokens.interviewer)
      expectError(await swap(panel, panel.tokens.interviewer), 400, 'invalid')
      expect((await roomView(panel, panel.tokens.interviewer)).body.room.round).toBe(1)
    })

    it('starts round 2 with a question neither had, or the one asked for', async () => {
      const first = await playRoundOne({ questionId: 'visual-search' })
      const res = await swap(first.created, first.tokens.interviewer)
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      expect(res.body.room).toMatchObject({ round: 2, id: first.room.id })
      expect(res.body.room.questionId).toEqual(expect.any(String))
      expect(res.body.room.questionId).not.toBe('visual-search')
      expect(res.body.timer).toMatchObject({ status: 'idle', stepIndex: 0, endedAt: null })

      const chosen = await playRoundOne({ questionId: 'visual-search' })
      const picked = await swap(chosen.created, chosen.tokens.interviewer, { questionId: 'news-feed' })
      expect(picked.status).toBe(201)
      expect(picked.body.room.questionId).toBe('news-feed')
      const view = await roomView(chosen.created, chosen.tokens.interviewer)
      expect(view.body.question.id).toBe('news-feed')
      expect(view.body.rounds.map((r: { round: number; questionId: string }) => [r.round, r.questionId])).toEqual([
        [1, 'visual-search'],
        [2, 'news-feed'],
      ])
    })

    it('exchanges the roles: the old candidate now interviews (with the hints), the old interviewer answers (without)', async () => {
      const { created, tokens } = await playRoundOne()
      expect((await swap(created, tokens.interviewer)).status).toBe(201)

      const grace = await roomView(created, tokens.candidate)
      expect(grace.body).toMatchObject({ role: 'interviewer', linkRole: 'candidate', room: { round: 2 } })
      expect(grace.body.question.hints).toBeDefined()
      for (const step of grace.body.kit.steps) expect(step.anchors).toBeDefined()

      const ada = await roomView(created, tokens.interviewer)
      expect(ada.body).toMatchObject({ role: 'candidate', linkRole: 'interviewer', room: { round: 2 } })
      expect(ada.body.question.hints).toBeUndefined()
      for (const step of ada.body.kit.steps) {
        expect(step.hints).toBeUndefined()
        expect(step.anchors).toBeUndefined()
      }
      expect((await roomView(created, tokens.observer)).body).toMatchObject({ role: 'observer', linkRole: 'observer' })

      // Swapping is now the new interviewer's call (after round 2 ends), not the old one's.
      expectError(await swap(created, tokens.interviewer), 403, 'forbidden')
    })

    it("sends every socket a fresh room:state with its own role, and hands the timer to the new interviewer", async () => {
      const { created, tokens } = await playRoundOne()
      const ada = await join(tokens.interviewer, 'Ada')
      const grace = await join(tokens.candidate, 'Grace')
      const linus = await join(tokens.observer, 'Linus')
      expect(ada.state.you.role).toBe('interviewer')
      expect(grace.state.you.role).toBe('candidate')

      expect((await swap(created, tokens.interviewer)).status).toBe(201)
      const freshState = async (who: { events: Array<{ event: string; payload: any }> }): Promise<RoomStatePayload> =>
        (await waitFor(() => who.events.find((e) => e.event === 'room:state' && e.payload.room.round === 2)?.payload, {
          what: 'room:state of round 2',
        })) as RoomStatePayload
      const [adaState, graceState, linusState] = await Promise.all([freshState(ada), freshState(grace), freshState(linus)])
      expect(adaState.you).toMatchObject({ name: 'Ada', role: 'candidate' })
      expect(graceState.you).toMatchObject({ name: 'Grace', role: 'interviewer' })
      expect(linusState.you).toMatchObject({ name: 'Linus', role: 'observer' })
      for (const state of [adaState, graceState, linusState]) {
        expect(state.timer).toMatchObject({ status: 'idle' })
        expect(Object.fromEntries(state.participants.map((p) => [p.name, p.role]))).toEqual({ Ada: 'candidate', Grace: 'interviewer', Linus: 'observer' })
      }

      // The clock changes hands, on the sockets that were open before the swap and on new ones.
      const refused = await command(ada.socket, { type: 'start' })
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      const started = await command(grace.socket, { type: 'start' })
      expect(started).toMatchObject({ ok: true, timer: { status: 'running' } })
      const adaAgain = await join(tokens.interviewer)
      expect(adaAgain.state.you.role).toBe('candidate')
      expect(await command(adaAgain.socket, { type: 'end' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(await command(linus.socket, { type: 'end' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect((await roomView(created, tokens.observer)).body.timer.status).toBe('running')
    })

    it("keeps round 1's board readable and read-only, and gives round 2 a separate, empty board at <room>/r2", async () => {
      const { room, created, tokens } = await playRoundOne()
      expect(await upgradeStatus(`${room.id}/r2`, tokens.candidate)).toBe(404)
      // A provider left open on round 1 across the swap.
      const lingering = openY(room.id, tokens.candidate)
      await lingering.synced
      expect((await swap(created, tokens.interviewer)).status).toBe(201)
      await waitFor(() => lingering.closes.includes(NEW_ROUND_CLOSE_CODE), { what: 'the round-1 socket closed for the new round' })
      await waitFor(() => lingering.provider.wsconnected && lingering.provider.synced, { what: 'the lingering provider back' })
      const logBefore = await logOf(room.id, 'board')

      // Anyone can still read round 1 as it was.
      const grace = openY(room.id, tokens.candidate)
      const ada = openY(room.id, tokens.interviewer)
      await Promise.all([grace.synced, ada.synced])
      for (const c of [grace, ada, lingering]) {
        expect(c.doc.getMap('nodes').has('r1-ranker')).toBe(true)
        expect(c.doc.getText('notes:clarify').toString()).toBe('ROUND-1 NOTES: 10M DAU')
      }
      // Edits sent to round 1 are neither applied, relayed nor stored, whoever sends them.
      await editThenMark(grace, ada, () => {
        grace.doc.getText('notes:clarify').insert(0, 'LATE EDIT ')
        addNode(grace.doc, 'late-node')
      }, 'grace-after-edit')
      await editThenMark(lingering, ada, () => lingering.doc.getMap('nodes').delete('r1-ranker'), 'lingering-after-edit')
      await editThenMark(ada, grace, () => ada.doc.getText('notes:frame').insert(0, 'ADA LATE'), 'ada-after-edit')
      expect(ada.doc.getText('notes:clarify').toString()).toBe('ROUND-1 NOTES: 10M DAU')
      expect(ada.doc.getMap('nodes').has('late-node')).toBe(false)
      expect(ada.doc.getMap('nodes').has('r1-ranker')).toBe(true)
      expect(grace.doc.getText('notes:frame').toString()).toBe('')
      expect(await logOf(room.id, 'board')).toEqual(logBefore)
      const late = openY(room.id, tokens.observer)
      await late.synced
      expect(late.doc.getText('notes:clarify').toString()).toBe('ROUND-1 NOTES: 10M DAU')
      expect(late.doc.getMap('nodes').size).toBe(1)

      // Round 2's board starts empty and is written by both peers; round 1 never sees it.
      const r2grace = openY(`${room.id}/r2`, tokens.candidate)
      const r2ada = openY(`${room.id}/r2`, tokens.interviewer)
      await Promise.all([r2grace.synced, r2ada.synced])
      expect(r2grace.doc.getMap('nodes').size).toBe(0)
      for (const key of STEP_KEYS) expect(r2grace.doc.getText(`notes:${key}`).length).toBe(0)
      addNode(r2ada.doc, 'r2-retriever', { label: 'Round 2 retriever' })
      r2grace.doc.getText('notes:clarify').insert(0, 'ROUND-2 NOTES')
      await waitFor(() => r2grace.doc.getMap('nodes').has('r2-retriever') && r2ada.doc.getText('notes:clarify').toString() === 'ROUND-2 NOTES', {
        what: 'round 2 edits both ways',
      })
      expect((await logOf(room.id, 'board:2')).length).toBeGreaterThan(0)
      expect(await logOf(room.id, 'board')).toEqual(logBefore)
      expect(late.doc.getMap('nodes').has('r2-retriever')).toBe(false)
      // An observer reads round 2 too, and cannot write it.
      const r2linus = openY(`${room.id}/r2`, tokens.observer)
      await r2linus.synced
      expect(r2linus.doc.getMap('nodes').has('r2-retriever')).toBe(true)
      await editThenMark(r2linus, r2ada, () => addNode(r2linus.doc, 'observer-node'), 'linus-after-edit')
      expect(r2ada.doc.getMap('nodes').has('observer-node')).toBe(false)
    })

    it("keeps round 1's private notes for the round-1 interviewer only; the new interviewer gets a private doc of their own", async () => {
      const { room, created, tokens } = await playRoundOne()
      expect((await swap(created, tokens.interviewer)).status).toBe(201)

      expect(await upgradeStatus(`${room.id}/private`, tokens.candidate)).toBe(403)
      expect(await upgradeStatus(`${room.id}/private`, tokens.observer)).toBe(403)
      expect(await upgradeStatus(`${room.id}/r2/private`, tokens.interviewer)).toBe(403)
      expect(await upgradeStatus(`${room.id}/r2/private`, tokens.observer)).toBe(403)
      expect(await upgradeStatus(`${room.id}/r3`, tokens.candidate)).toBe(404)

      // Ada still reads what she wrote in round 1, and cannot change it any more.
      const logBefore = await logOf(room.id, 'private')
      const adaOld = openY(room.id, tokens.interviewer, { doc: 'private' })
      const adaWatch = openY(room.id, tokens.interviewer, { doc: 'private' })
      await Promise.all([adaOld.synced, adaWatch.synced])
      expect(adaOld.doc.getText('private:clarify').toString()).toBe(PRIVATE)
      await editThenMark(adaOld, adaWatch, () => adaOld.doc.getText('private:clarify').insert(0, 'EDITED LATER '), 'ada-private-after-edit')
      expect(adaWatch.doc.getText('private:clarify').toString()).toBe(PRIVATE)
      expect(await logOf(room.id, 'private')).toEqual(logBefore)

      // Grace's round-2 private doc is hers, empty, writable, and separate from round 1's.
      const gracePrivate = openY(`${room.id}/r2`, tokens.candidate, { doc: 'private' })
      const graceReader = openY(`${room.id}/r2`, tokens.candidate, { doc: 'private' })
      await Promise.all([gracePrivate.synced, graceReader.synced])
      expect(gracePrivate.doc.getText('private:clarify').toString()).toBe('')
      gracePrivate.doc.getText('private:clarify').insert(0, 'GRACE PRIVATE')
      await waitFor(() => graceReader.doc.getText('private:clarify').toString() === 'GRACE PRIVATE', { what: "Grace's private note" })
      expect((await logOf(room.id, 'private:2')).length).toBeGreaterThan(0)
      expect(await logOf(room.id, 'private')).toEqual(logBefore)
      // Neither private doc shows up on either board.
      const board2 = openY(`${room.id}/r2`, tokens.interviewer)
      await board2.synced
      expect(JSON.stringify(board2.doc.toJSON())).not.toMatch(/GRACE PRIVATE|PRIVATE-NOTE/)
    })

    it("keeps round 1's rubric as it was, readable with ?round=1 by its author only", async () => {
      const { created, tokens, rubric } = await playRoundOne({ marker: 'R1RUBRIC' })
      expect((await swap(created, tokens.interviewer)).status).toBe(201)

      const ada = await getRubrics(created, tokens.interviewer, '?round=1')
      expect(ada.status).toBe(200)
      expect(ada.body.round).toBe(1)
      expect(ada.body.mine).toEqual(rubric)
      expectError(await save(created, tokens.interviewer, fullDraft('REWRITE'), '?round=1'), 409, 'conflict')
      expect((await getRubrics(created, tokens.interviewer, '?round=1')).body.mine).toEqual(rubric)

      // Grace, who was the candidate in round 1, never reads it, even as round 2's interviewer.
      for (const query of ['?round=1']) {
        const res = await getRubrics(created, tokens.candidate, query)
        expectError(res, 403, 'forbidden')
        expect(JSON.stringify(res.body)).not.toContain('R1RUBRIC')
      }
      expectError(await save(created, tokens.candidate, fullDraft('GRACE'), '?round=1'), 403, 'forbidden')
      expectError(await submit(created, tokens.candidate, '?round=1'), 403, 'forbidden')
      expectError(await share(created, tokens.candidate, '?round=1'), 403, 'forbidden')
      expectError(await getRubrics(created, tokens.observer, '?round=1'), 403, 'forbidden')
      // Round 2 is Grace's to score, on a fresh rubric; Ada is round 2's candidate.
      const graceNow = await getRubrics(created, tokens.candidate)
      expect(graceNow.status).toBe(200)
      expect(graceNow.body).toMatchObject({ round: 2, others: [], calibration: null })
      expect(graceNow.body.mine).toMatchObject({ version: 0, status: 'draft', round: 2, feedback: '' })
      expect(JSON.stringify(graceNow.body)).not.toContain('R1RUBRIC')
      expectError(await getRubrics(created, tokens.interviewer), 403, 'forbidden')
      expectError(await save(created, tokens.interviewer, fullDraft('ADA-R2')), 403, 'forbidden')
    })

    it("keeps round 1's final timer and its timer history, and starts round 2 on a fresh clock", async () => {
      const { room, created, tokens } = await playRoundOne()
      const before = (await roomView(created, tokens.observer)).body
      const finalTimer: TimerState = before.timer
      expect(finalTimer.status).toBe('ended')
      expect(before.rounds).toEqual([expect.objectContaining({ round: 1, ended: true, questionId: 'visual-search' })])

      expect((await swap(created, tokens.interviewer)).status).toBe(201)
      const after = (await roomView(created, tokens.observer)).body
      expect(after.rounds).toEqual([
        { round: 1, questionId: 'visual-search', questionTitle: expect.any(String), startedAt: before.rounds[0].startedAt, ended: true, feedbackShared: false, timer: before.timer },
        { round: 2, questionId: expect.any(String), questionTitle: expect.any(String), startedAt: expect.any(String), ended: false, feedbackShared: false, timer: null },
      ])
      expect(after.timer).toMatchObject({ status: 'idle', startedAt: null, endedAt: null })
      expect(after.timer.version).toBeGreaterThan(finalTimer.version)
      for (const step of after.timer.steps) expect(step.usedMs).toBe(0)

      const [r1] = await env.server.deps.db
        .select()
        .from(roomRounds)
        .where(and(eq(roomRounds.roomId, room.id), eq(roomRounds.round, 1)))
      expect(r1!.finalTimer).toEqual(finalTimer)
      const events = await env.server.deps.db.select().from(roomEvents).where(eq(roomEvents.roomId, room.id)).orderBy(asc(roomEvents.seq))
      expect(events.filter((e) => e.round === 1 && e.type === 'timer').map((e) => (e.payload as { status: string }).status)).toEqual(['running', 'ended'])
      expect(events.filter((e) => e.type === 'round').map((e) => e.round)).toEqual([2])
    })

    it("lets round 1's interviewer share round 1 late, and notifies only each round's interviewer of rubric status", async () => {
      const { created, tokens } = await playRoundOne({ marker: 'LATE', submit: false })
      expect((await swap(created, tokens.interviewer)).status).toBe(201)
      const ada = await join(tokens.interviewer, 'Ada')
      const grace = await join(tokens.candidate, 'Grace')
      const linus = await join(tokens.observer, 'Linus')

      // Ada finishes round 1's rubric after the swap: only she hears of it.
      expect((await submit(created, tokens.interviewer, '?round=1')).status).toBe(200)
      await waitFor(() => ada.events.some((e) => e.event === 'rubrics' && e.payload.round === 1), { what: 'round-1 status at Ada' })
      // Grace starts round 2's rubric: only she hears of it.
      expect((await save(created, tokens.candidate, fullDraft('R2'))).status).toBe(200)
      await waitFor(() => grace.events.some((e) => e.event === 'rubrics' && e.payload.round === 2), { what: 'round-2 status at Grace' })
      for (const who of [ada, grace, linus]) await command(who.socket, { type: 'pause', expectedVersion: -1 })
      expect(grace.events.filter((e) => e.event === 'rubrics').map((e) => e.payload.round)).toEqual([2])
      expect(ada.events.filter((e) => e.event === 'rubrics').map((e) => e.payload.round)).toEqual([1])
      expect(linus.events.filter((e) => e.event === 'rubrics')).toEqual([])

      // Round 1 is over (a later round began), so it can be shared now, and Grace receives it.
      expect((await share(created, tokens.interviewer, '?round=1')).status).toBe(200)
      const graceFeedback = await feedbackOf(created, tokens.candidate)
      expect(graceFeedback.status).toBe(200)
      expect(graceFeedback.body.feedback.map((f: { round: number; feedback: string }) => [f.round, f.feedback])).toEqual([
        [1, 'LATE-FEEDBACK: clear framing; say more about monitoring.'],
      ])
      expect(JSON.stringify(graceFeedback.body)).not.toMatch(/LATE-EVIDENCE|LATE-NODE|R2-/)
      // Round 2's share waits for round 2 to end.
      await submit(created, tokens.candidate)
      expectError(await share(created, tokens.candidate), 409, 'conflict')
    })

    it('swaps back in round 3, run by round 2\'s interviewer', async () => {
      const { created, tokens } = await playRoundOne()
      expect((await swap(created, tokens.interviewer)).status).toBe(201)
      await endInterview(tokens.candidate)
      expectError(await swap(created, tokens.interviewer), 403, 'forbidden')
      const third = await swap(created, tokens.candidate)
      expect(third.status).toBe(201)
      expect(third.body.room.round).toBe(3)
      expect((await roomView(created, tokens.interviewer)).body.role).toBe('interviewer')
      expect((await roomView(created, tokens.candidate)).body.role).toBe('candidate')
      const questions = (await roomView(created, tokens.observer)).body.rounds.map((r: { questionId: string }) => r.questionId)
      expect(new Set(questions).size).toBe(3)
      expect(await upgradeStatus(`${created.room.id}/r3/private`, tokens.interviewer)).toBe(101)
      expect(await upgradeStatus(`${created.room.id}/r3/private`, tokens.candidate)).toBe(403)
      expect(await upgradeStatus(`${created.room.id}/r2/private`, tokens.candidate)).toBe(101)
    })
  })
})
