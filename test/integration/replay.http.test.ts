import * as decoding from 'lib0/decoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bucketFor } from '../../shared/replay/timeline.js'
import { addNode, api, type ClientSocket, connectSocket, connectY, createRoom, type CreatedRoom, sleep, waitFor, type YClient } from '../helpers/clients.js'
import { dbKind, serverPerSuite } from '../helpers/server.js'

type Reply = { ok: true; timer: any } | { ok: false; error: { code: string } }

/** What a person sees of a board: nodes, edges and every step's notes, as plain data. */
function snapshot(doc: Y.Doc) {
  const notes: Record<string, string> = {}
  for (const name of doc.share.keys()) if (name.startsWith('notes:') || name.startsWith('private:')) notes[name] = doc.getText(name).toString()
  return {
    nodes: doc.getMap('nodes').toJSON(),
    edges: doc.getMap('edges').toJSON(),
    notes: Object.fromEntries(Object.entries(notes).filter(([, v]) => v !== '')),
  }
}

describe(`replay (${dbKind})`, () => {
  // Small keyframe spacing, so seeks land between keyframes as they do in a long session.
  const env = serverPerSuite({ keyframeEvery: 7 })
  const { cleanup } = env

  const open = (roomName: string, token: string, opts: { doc?: 'board' | 'private' } = {}) => {
    const c = connectY(env.server.url, roomName, token, opts)
    cleanup.push(() => c.destroy())
    return c
  }
  const join = async (token: string) => {
    const { socket } = await connectSocket(env.server.url, token)
    cleanup.push(() => socket.disconnect())
    return socket
  }
  const command = (socket: ClientSocket, cmd: unknown) => socket.timeout(5000).emitWithAck('timer:command', cmd as never) as Promise<Reply>
  const path = (created: CreatedRoom, rest: string) => `/api/rooms/${created.room.id}${rest}`

  /** GET a replay state and load it into a fresh doc. */
  const stateAt = async (created: CreatedRoom, token: string, t: number, doc = 'board', round?: number) => {
    const res = await fetch(`${env.server.url}${path(created, `/replay/state?t=${t}&doc=${doc}${round ? `&round=${round}` : ''}`)}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    if (res.status !== 200) return { status: res.status, doc: null }
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, new Uint8Array(await res.arrayBuffer()))
    return { status: 200, doc: ydoc, seq: Number(res.headers.get('x-replay-seq')) }
  }

  /** Waits until `watcher` holds everything `writer` has: the server has received all of it. */
  const settled = (writer: YClient, watcher: YClient) =>
    waitFor(() => Buffer.from(Y.encodeStateVector(writer.doc)).equals(Buffer.from(Y.encodeStateVector(watcher.doc))), { what: 'server received the edits' })

  /** A scripted interview; returns the room and the true states at chosen moments. */
  async function recordSession() {
    const created = await createRoom(env.server.url, { questionId: 'video-recommendation' })
    const { tokens } = created
    const interviewer = open(created.room.id, tokens.interviewer)
    const candidate = open(created.room.id, tokens.candidate)
    const privateNotes = open(created.room.id, tokens.interviewer, { doc: 'private' })
    await Promise.all([interviewer.synced, candidate.synced, privateNotes.synced])
    const clock = await join(tokens.interviewer)
    const moments: { t: number; board: ReturnType<typeof snapshot>; private: string }[] = []
    const keep = async () => {
      await settled(candidate, interviewer)
      await settled(interviewer, candidate)
      await sleep(3)
      moments.push({ t: Date.now(), board: snapshot(candidate.doc), private: privateNotes.doc.getText('private:clarify').toString() })
      await sleep(3)
    }
    const marks: { command: string; at: number }[] = []
    const timer = async (cmd: Record<string, unknown>) => {
      const before = Date.now()
      const reply = await command(clock, cmd)
      expect(reply.ok).toBe(true)
      marks.push({ command: String(cmd.type), at: before })
    }

    await keep() // empty board, before anything happened
    await timer({ type: 'start' })
    for (let i = 0; i < 12; i++) candidate.doc.getText('notes:clarify').insert(i === 0 ? 0 : candidate.doc.getText('notes:clarify').length, `req${i} `)
    privateNotes.doc.getText('private:clarify').insert(0, 'asks good questions')
    // The private doc has one client: wait for the server to have written it.
    await waitFor(async () => (await stateAt(created, tokens.interviewer, Date.now(), 'private')).doc?.getText('private:clarify').length === 19, { what: 'private note stored' })
    await keep()
    await timer({ type: 'next' })
    addNode(candidate.doc, 'client', { kind: 'client', label: 'Mobile app', x: 0, y: 0 })
    addNode(interviewer.doc, 'ranker', { kind: 'model-server', label: 'Ranker', x: 300, y: 0 })
    await settled(interviewer, candidate)
    candidate.doc.getMap('edges').set('e1', new Y.Map(Object.entries({ source: 'client', target: 'ranker', label: 'ranked videos' })))
    await keep()
    await timer({ type: 'pause' })
    for (let i = 0; i < 20; i++) (candidate.doc.getMap('nodes').get('ranker') as Y.Map<unknown>).set('x', 300 + i * 5)
    await keep()
    await timer({ type: 'resume' })
    candidate.doc.getText('notes:frame').insert(0, 'pointwise ranking with watch-time labels')
    interviewer.doc.getMap('nodes').delete('client')
    await keep()
    await timer({ type: 'end' })
    await env.server.store.flush()
    return { created, moments, marks }
  }

  it("the replay's state at each chosen moment equals the document as it was then", async () => {
    const { created, moments } = await recordSession()
    expect(moments.length).toBe(5)
    for (const moment of moments) {
      const replayed = await stateAt(created, created.tokens.interviewer, moment.t)
      expect(replayed.status).toBe(200)
      expect(snapshot(replayed.doc!)).toEqual(moment.board)
      const priv = await stateAt(created, created.tokens.interviewer, moment.t, 'private')
      expect(priv.doc!.getText('private:clarify').toString()).toBe(moment.private)
    }
    // Seeking backwards after forwards gives the same answers (no state carried between seeks).
    const back = await stateAt(created, created.tokens.interviewer, moments[1]!.t)
    expect(snapshot(back.doc!)).toEqual(moments[1]!.board)
  })

  it("playing forward from a seek with /replay/updates reaches each later moment's state", async () => {
    const { created, moments } = await recordSession()
    const start = await stateAt(created, created.tokens.interviewer, moments[1]!.t)
    const doc = start.doc!
    let after = start.seq!
    for (const moment of moments.slice(2)) {
      for (;;) {
        const res = await fetch(`${env.server.url}${path(created, `/replay/updates?after=${after}&until=${moment.t}&limit=5`)}`, {
          headers: { authorization: `Bearer ${created.tokens.interviewer}` },
        })
        expect(res.status).toBe(200)
        const decoder = decoding.createDecoder(new Uint8Array(await res.arrayBuffer()))
        const count = decoding.readVarUint(decoder)
        for (let i = 0; i < count; i++) {
          after = decoding.readVarUint(decoder)
          const at = decoding.readVarUint(decoder)
          expect(at).toBeLessThanOrEqual(moment.t)
          Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
        }
        if (res.headers.get('x-replay-more') !== 'true') break
      }
      expect(snapshot(doc)).toEqual(moment.board)
    }
  })

  it("the timeline's step marks match the timer events, with time per step against the plan", async () => {
    const { created, marks } = await recordSession()
    const res = await api(env.server.url, path(created, '/replay?bucket=1000'), { token: created.tokens.interviewer })
    expect(res.status).toBe(200)
    const t = res.body
    expect(t.marks.map((m: { command: string }) => m.command)).toEqual(marks.map((m) => m.command))
    for (const [i, m] of t.marks.entries()) {
      expect(m.at).toBeGreaterThanOrEqual(marks[i]!.at)
      if (i + 1 < marks.length) expect(m.at).toBeLessThanOrEqual(marks[i + 1]!.at)
    }
    expect(t.marks.map((m: { stepIndex: number; status: string }) => [m.stepIndex, m.status])).toEqual([
      [0, 'running'],
      [1, 'running'],
      [1, 'paused'],
      [1, 'running'],
      [1, 'ended'],
    ])
    const [clarify, frame, ...rest] = t.steps
    expect(clarify.segments).toEqual([{ start: t.marks[0].at, end: t.marks[1].at }])
    expect(clarify.startedAt).toBe(t.marks[0].at)
    expect(frame.segments).toEqual([
      { start: t.marks[1].at, end: t.marks[2].at },
      { start: t.marks[3].at, end: t.marks[4].at },
    ])
    expect(frame.usedMs).toBe(t.marks[2].at - t.marks[1].at + (t.marks[4].at - t.marks[3].at))
    expect(clarify.plannedMs).toBe(5 * 60_000)
    for (const step of rest) expect(step.segments).toEqual([])
    expect(t.live).toBe(false)
    expect(t.end).toBeGreaterThanOrEqual(t.marks[4].at)
    expect(t.durationMs).toBe(t.end - t.start)
    const total = t.activity.buckets.reduce((s: number, b: { updates: number }) => s + b.updates, 0)
    expect(total).toBeGreaterThan(30)
    expect(t.presence.length).toBeGreaterThanOrEqual(1)
    expect(t.docs).toEqual(['board', 'private'])
  })

  it('who may replay: interviewers always, a candidate the board once feedback is shared, observers never', async () => {
    const { created } = await recordSession()
    const { tokens } = created
    const now = Date.now()
    expect((await stateAt(created, tokens.interviewer, now)).status).toBe(200)
    expect((await stateAt(created, tokens.interviewer, now, 'private')).status).toBe(200)
    for (const token of [tokens.candidate, tokens.observer]) {
      expect((await stateAt(created, token, now)).status).toBe(403)
      expect((await stateAt(created, token, now, 'private')).status).toBe(403)
      expect((await api(env.server.url, path(created, '/replay'), { token })).status).toBe(403)
      expect((await api(env.server.url, path(created, '/replay/updates?after=0'), { token })).status).toBe(403)
    }
    // The interviewer scores and shares: the candidate may now replay the board, never the private notes.
    const steps = Object.fromEntries(['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor'].map((k) => [k, { score: 3 }]))
    expect((await api(env.server.url, path(created, '/rubrics/mine'), { token: tokens.interviewer, method: 'PUT', body: { steps, recommendation: 'hire', level: 'senior', feedback: 'good' } })).status).toBe(200)
    expect((await api(env.server.url, path(created, '/rubrics/mine/submit'), { token: tokens.interviewer, body: {} })).status).toBe(200)
    expect((await api(env.server.url, path(created, '/feedback/share'), { token: tokens.interviewer, body: {} })).status).toBe(200)
    const board = await stateAt(created, tokens.candidate, now)
    expect(board.status).toBe(200)
    expect(board.doc!.getText('notes:frame').toString()).toContain('pointwise')
    expect((await stateAt(created, tokens.candidate, now, 'private')).status).toBe(403)
    const timeline = await api(env.server.url, path(created, '/replay'), { token: tokens.candidate })
    expect(timeline.status).toBe(200)
    expect(timeline.body.docs).toEqual(['board'])
    expect((await stateAt(created, tokens.observer, now)).status).toBe(403)
    // Bad input is a clear 400, an unknown round a 404.
    expect((await api(env.server.url, path(created, '/replay/state?t=soon'), { token: tokens.interviewer })).status).toBe(400)
    // Beyond what a date can hold, empty, or out of range: a 400 naming the parameter, never a 500.
    for (const [query, name] of [['/replay/state?t=1e20', 't'], ['/replay/state?t=100000000000000000000', 't'], ['/replay/state?t=', 't'], ['/replay/updates?limit=0', 'limit'], ['/replay?bucket=5', 'bucket']]) {
      const res = await api(env.server.url, path(created, query!), { token: tokens.interviewer })
      expect(res.status, query).toBe(400)
      expect(res.body.error.message).toMatch(new RegExp(`^${name} must be`))
    }
    // Without a bucket, the timeline comes in the one the replay view draws for its length.
    const fit = await api(env.server.url, path(created, '/replay'), { token: tokens.interviewer })
    expect(fit.body.activity.bucketMs).toBe(bucketFor(fit.body.durationMs))
    expect((await api(env.server.url, path(created, '/replay/state?doc=secret'), { token: tokens.interviewer })).status).toBe(400)
    expect((await api(env.server.url, path(created, '/replay?round=2'), { token: tokens.interviewer })).status).toBe(404)
    expect((await api(env.server.url, path(created, '/replay'))).status).toBe(401)
  })
})
