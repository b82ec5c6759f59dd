import { describe, expect, it } from 'vitest'
import { addNode, api, type ClientSocket, connectSocket, connectY, createRoom, type CreatedRoom, waitFor } from '../helpers/clients.js'
import { dbKind, serverPerSuite } from '../helpers/server.js'
import * as Y from 'yjs'

const STEPS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor']

describe(`reports (${dbKind})`, () => {
  const env = serverPerSuite()
  const { cleanup } = env

  const path = (created: CreatedRoom, rest: string) => `/api/rooms/${created.room.id}${rest}`
  const command = (socket: ClientSocket, cmd: unknown) => socket.timeout(5000).emitWithAck('timer:command', cmd as never) as Promise<{ ok: boolean }>

  /** A finished, scored interview with notes, private notes and a canvas. */
  async function interview() {
    const created = await createRoom(env.server.url, { questionId: 'ad-click-prediction', level: 'staff', title: 'Ads loop' })
    const { tokens } = created
    const board = connectY(env.server.url, created.room.id, tokens.candidate)
    const priv = connectY(env.server.url, created.room.id, tokens.interviewer, { doc: 'private' })
    cleanup.push(() => board.destroy(), () => priv.destroy())
    await Promise.all([board.synced, priv.synced])
    const { socket } = await connectSocket(env.server.url, tokens.interviewer)
    cleanup.push(() => socket.disconnect())
    expect((await command(socket, { type: 'start' })).ok).toBe(true)
    board.doc.getText('notes:clarify').insert(0, 'CTR for feed ads; 500M impressions a day')
    board.doc.getText('notes:evaluate').insert(0, 'normalised cross-entropy, calibration')
    addNode(board.doc, 'ranker', { kind: 'model-server', label: 'CTR <ranker> & co', x: 0, y: 0 })
    addNode(board.doc, 'fs', { kind: 'feature-store', label: 'Feature store', x: 300, y: 0 })
    board.doc.getMap('edges').set('e1', new Y.Map(Object.entries({ source: 'fs', target: 'ranker', label: 'features' })))
    priv.doc.getText('private:clarify').insert(0, 'PRIVATE: hesitant on scale')
    expect((await command(socket, { type: 'next' })).ok).toBe(true)
    expect((await command(socket, { type: 'end' })).ok).toBe(true)
    const steps = Object.fromEntries(STEPS.map((k) => [k, { score: k === 'model' ? 'no_signal' : 3, evidence: `EVIDENCE-${k}` }]))
    const saved = await api(env.server.url, path(created, '/rubrics/mine'), { token: tokens.interviewer, method: 'PUT', body: { steps, recommendation: 'lean_hire', level: 'senior', feedback: 'Strong on metrics.' } })
    expect(saved.status).toBe(200)
    expect((await api(env.server.url, path(created, '/rubrics/mine/submit'), { token: tokens.interviewer, body: {} })).status).toBe(200)
    // The server has every edit before the report reads the documents.
    await waitFor(async () => {
      const r = await api(env.server.url, path(created, '/report'), { token: tokens.interviewer })
      return r.body.canvas?.edges === 1 && r.body.steps?.[0]?.privateNotes === 'PRIVATE: hesitant on scale'
    }, { what: 'edits stored' })
    return created
  }

  it("gives the interviewer question, kit, level, time per step, every step's notes, the canvas as SVG and their rubric", async () => {
    const created = await interview()
    const res = await api(env.server.url, path(created, '/report'), { token: created.tokens.interviewer })
    expect(res.status).toBe(200)
    const r = res.body
    expect(r.room).toMatchObject({ title: 'Ads loop', level: 'staff', mode: 'peer' })
    expect(r.question).toMatchObject({ id: 'ad-click-prediction', prompt: expect.any(String) })
    expect(r.kit).toEqual({ id: 'ml-system-design', version: 1, title: expect.any(String) })
    expect(r.steps.map((s: { key: string }) => s.key)).toEqual(STEPS)
    expect(r.steps[0]).toMatchObject({ title: 'Clarify requirements', plannedMs: 300_000, notes: 'CTR for feed ads; 500M impressions a day' })
    expect(r.steps[4].notes).toBe('normalised cross-entropy, calibration')
    expect(r.steps[0].usedMs + r.steps[1].usedMs).toBe(r.timer.totalUsedMs)
    expect(r.timer.status).toBe('ended')
    expect(r.canvas).toMatchObject({ nodes: 2, edges: 1 })
    expect(r.canvas.svg).toMatch(/^<svg /)
    // Labels are escaped, never raw markup.
    expect(r.canvas.svg).toContain('&lt;ranker&gt;')
    expect(r.canvas.svg).not.toContain('<ranker>')
    expect(r.canvas.svg).toContain('features')
    expect(r.rubrics.view).toBe('interviewer')
    expect(r.rubrics.mine).toMatchObject({ status: 'submitted', recommendation: 'lean_hire' })
    expect(r.rubrics.mine.steps.clarify.evidence).toBe('EVIDENCE-clarify')
  })

  it('serves Markdown for ?format=md and for Accept: text/markdown', async () => {
    const created = await interview()
    const modelTitle = (await api(env.server.url, path(created, '/report'), { token: created.tokens.interviewer })).body.steps[3].title
    for (const opts of [{ query: '?format=md', accept: undefined }, { query: '', accept: 'text/markdown' }]) {
      const res = await fetch(`${env.server.url}${path(created, `/report${opts.query}`)}`, {
        headers: { authorization: `Bearer ${created.tokens.interviewer}`, ...(opts.accept ? { accept: opts.accept } : {}) },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/markdown/)
      const md = await res.text()
      expect(md).toMatch(/^# Ads loop/)
      expect(md).toContain('## Time per step')
      expect(md).toContain('| Clarify requirements | 5:00 |')
      expect(md).toContain('CTR for feed ads; 500M impressions a day')
      expect(md).toContain('PRIVATE: hesitant on scale')
      expect(md).toContain('![Canvas](data:image/svg+xml;base64,')
      expect(md).toContain('**Recommendation:** Lean hire')
      expect(md).toContain(`| ${modelTitle} | No signal | EVIDENCE-model |`)
    }
    expect((await api(env.server.url, path(created, '/report?format=pdf'), { token: created.tokens.interviewer })).status).toBe(400)
  })

  it('gives the candidate nothing before feedback is shared, then only the shared feedback; observers never', async () => {
    const created = await interview()
    const { tokens } = created
    expect((await api(env.server.url, path(created, '/report'), { token: tokens.candidate })).status).toBe(403)
    expect((await api(env.server.url, path(created, '/report'), { token: tokens.observer })).status).toBe(403)
    expect((await api(env.server.url, path(created, '/feedback/share'), { token: tokens.interviewer, body: {} })).status).toBe(200)
    const res = await api(env.server.url, path(created, '/report'), { token: tokens.candidate })
    expect(res.status).toBe(200)
    expect(res.body.rubrics.view).toBe('candidate')
    expect(res.body.rubrics.feedback).toMatchObject({ recommendation: 'lean_hire', level: 'senior', feedback: 'Strong on metrics.' })
    const text = JSON.stringify(res.body)
    expect(text).not.toContain('EVIDENCE-')
    expect(text).not.toContain('PRIVATE')
    expect(res.body.steps[0]).not.toHaveProperty('privateNotes')
    const md = await fetch(`${env.server.url}${path(created, '/report?format=md')}`, { headers: { authorization: `Bearer ${tokens.candidate}` } }).then((r) => r.text())
    expect(md).toContain('## Feedback')
    expect(md).not.toContain('EVIDENCE-')
    expect(md).not.toContain('PRIVATE')
    expect((await api(env.server.url, path(created, '/report'), { token: tokens.observer })).status).toBe(403)
    expect((await api(env.server.url, path(created, '/report'))).status).toBe(401)
  })

  // Past about 125,000 nodes, spreading the board into Math.min overflowed the stack, and every
  // report of the room was a 500. The board endpoint now refuses boards anywhere near that size
  // (DOC_LIMITS), so such a board is one recorded before the limits: it goes into the update log
  // through the server's own store, as an earlier version would have written it, and the report
  // loads it from there like any room nobody has open.
  const BIG_BOARD = 150_000
  it(`reports a board of ${BIG_BOARD.toLocaleString('en')} parts that a room recorded before boards had limits`, { timeout: 120_000 }, async () => {
    const created = await createRoom(env.server.url)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    for (let start = 0; start < BIG_BOARD; start += 10_000) {
      doc.transact(() => {
        const nodes = doc.getMap('nodes')
        for (let i = start; i < start + 10_000; i++) nodes.set(`n${i}`, new Y.Map(Object.entries({ kind: 'note', x: (i % 400) * 200, y: Math.floor(i / 400) * 120 })))
      })
    }
    doc.destroy()
    const at = Date.now()
    updates.forEach((bytes, i) => env.server.store.append({ roomId: created.room.id, doc: 'board', seq: i + 1, at, participantId: null, bytes }))
    await env.server.store.flush()
    const res = await api(env.server.url, path(created, '/report'), { token: created.tokens.interviewer })
    expect(res.status).toBe(200)
    expect(res.body.canvas.nodes).toBe(BIG_BOARD)
    expect(res.body.canvas.svg).toMatch(/^<svg [^>]* width="80044" height="45044"/)
  })
})
