import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { readBoard } from './board.js'
import { CanvasState, GESTURE_WRITE_MS } from './canvas.svelte.js'

/** Two clients of one board, synced both ways in memory. */
function pair() {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'))
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'))
  return { a, b, ca: new CanvasState(a), cb: new CanvasState(b) }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('CanvasState', () => {
  it('adds a part to the doc and shows it, selected, on both sides', () => {
    const { a, ca, cb } = pair()
    const id = ca.add('model-server', { x: 100.4, y: 50 })!
    expect(readBoard(a).nodes).toEqual([{ id, kind: 'model-server', label: 'Model server', x: 100, y: 50, w: 168, h: 60 }])
    expect(ca.nodes.map((n) => [n.id, n.selected])).toEqual([[id, true]])
    expect(cb.nodes).toHaveLength(1)
    expect(cb.nodes[0]!.selected).toBeUndefined()
  })

  it('writes what Svelte Flow sets back: moves, resizes and deletions', () => {
    const { b, ca, cb } = pair()
    const n1 = ca.add('client', { x: 0, y: 0 })!
    const n2 = ca.add('service', { x: 300, y: 0 })!
    ca.connect(n1, n2, 'HTTPS')
    ca.nodes = ca.nodes.map((n) => (n.id === n1 ? { ...n, position: { x: 40, y: 80 }, width: 220 } : n))
    expect(cb.nodes.find((n) => n.id === n1)).toMatchObject({ position: { x: 40, y: 80 }, width: 220 })
    expect(cb.edges).toMatchObject([{ source: n1, target: n2, label: 'HTTPS' }])
    // Svelte Flow deletes a node by setting the list without it: its edges go with it.
    ca.nodes = ca.nodes.filter((n) => n.id !== n2)
    expect(readBoard(b)).toMatchObject({ nodes: [{ id: n1 }], edges: [] })
  })

  it('shows a remote change without touching local selection', () => {
    const { ca, cb } = pair()
    const id = ca.add('cache', { x: 0, y: 0 })!
    cb.rename(id, '  Redis  ')
    expect(ca.nodes[0]).toMatchObject({ data: { label: 'Redis' }, selected: true })
  })

  it('undoes and redoes only its own changes', () => {
    const { ca, cb } = pair()
    const mine = ca.add('database', { x: 0, y: 0 })!
    const theirs = cb.add('cache', { x: 200, y: 0 })!
    ca.rename(mine, 'Users')
    ca.undo()
    expect(cb.nodes.find((n) => n.id === mine)!.data.label).toBe('Database')
    ca.undo()
    expect(cb.nodes.map((n) => n.id)).toEqual([theirs])
    expect(ca.canUndo).toBe(false)
    ca.redo()
    expect(cb.nodes.map((n) => n.id).sort()).toEqual([mine, theirs].sort())
  })

  it('batches a drag into one undo step', () => {
    const { ca } = pair()
    const id = ca.add('service', { x: 0, y: 0 })!
    ca.gestureStart()
    for (let x = 10; x <= 50; x += 10) {
      ca.nodes = ca.nodes.map((n) => ({ ...n, position: { x, y: 0 }, dragging: x < 50 }))
    }
    ca.gestureEnd()
    expect(ca.nodes[0]!.position.x).toBe(50)
    ca.undo()
    expect(ca.nodes.find((n) => n.id === id)!.position.x).toBe(0)
  })

  it('changes nothing when read-only', () => {
    const a = new Y.Doc()
    const writer = new CanvasState(a)
    writer.add('client', { x: 0, y: 0 })
    const reader = new CanvasState(a, { readOnly: true })
    expect(reader.add('cache', { x: 0, y: 0 })).toBeNull()
    reader.nodes = []
    reader.nodes = reader.nodes.map((n) => ({ ...n, position: { x: 500, y: 500 } }))
    expect(readBoard(a).nodes).toHaveLength(1)
    expect(readBoard(a).nodes[0]!.x).toBe(0)
  })

  it('refuses self-loops and duplicate connections', () => {
    const { ca } = pair()
    const n1 = ca.add('client', { x: 0, y: 0 })!
    const n2 = ca.add('service', { x: 300, y: 0 })!
    expect(ca.connect(n1, n1)).toBeNull()
    expect(ca.connect(n1, n2)).not.toBeNull()
    expect(ca.connect(n1, n2)).toBeNull()
  })

  it('shows another doc in place of its own and follows that one only (a replay seek)', () => {
    const first = new Y.Doc()
    const canvas = new CanvasState(first, { readOnly: true })
    const writer = new CanvasState(first)
    const kept = writer.add('client', { x: 0, y: 0 })!
    const before = canvas.nodes[0]!
    const next = new Y.Doc()
    Y.applyUpdate(next, Y.encodeStateAsUpdate(first))
    new CanvasState(next).add('cache', { x: 300, y: 0 })
    canvas.replaceDoc(next)
    expect(canvas.nodes.map((n) => n.data.label).sort()).toEqual(['Cache', 'Client'])
    // An unchanged node keeps its identity: Svelte Flow does not measure it again.
    expect(canvas.nodes.find((n) => n.id === kept)).toBe(before)
    writer.add('service', { x: 0, y: 200 })
    expect(canvas.nodes).toHaveLength(2)
    canvas.destroy()
  })

  it('writes a drag to the doc a few times a second and shows every frame live through onMoving', () => {
    vi.useFakeTimers()
    const a = new Y.Doc()
    const published: (Record<string, unknown> | null)[] = []
    const ca = new CanvasState(a, { onMoving: (m) => published.push(m) })
    const id = ca.add('service', { x: 0, y: 0 })!
    let writes = 0
    a.on('update', () => writes++)
    ca.gestureStart()
    // Two seconds of dragging at 60 frames a second.
    for (let frame = 1; frame <= 120; frame++) {
      ca.nodes = ca.nodes.map((n) => ({ ...n, position: { x: frame * 2, y: frame }, dragging: true }))
      vi.advanceTimersByTime(1000 / 60)
    }
    expect(published).toHaveLength(120)
    const { w, h } = readBoard(a).nodes[0]!
    expect(published.at(-1)).toEqual({ [id]: { x: 240, y: 120, w, h } })
    expect(writes).toBeGreaterThanOrEqual(Math.floor(2000 / GESTURE_WRITE_MS) - 1)
    expect(writes).toBeLessThanOrEqual(Math.ceil(2000 / GESTURE_WRITE_MS))
    ca.nodes = ca.nodes.map((n) => ({ ...n, position: { x: 300, y: 150 }, dragging: false }))
    ca.gestureEnd()
    // The final position is in the doc, then the preview is withdrawn.
    expect(readBoard(a).nodes[0]).toMatchObject({ x: 300, y: 150 })
    expect(published.at(-1)).toBeNull()
  })

  it("shows someone else's drag live, and the doc's position once it ends", () => {
    const { b, ca, cb } = pair()
    const id = ca.add('cache', { x: 0, y: 0 })!
    cb.showRemoteMoves(new Map([[id, { x: 120, y: 40, w: 160, h: 60 }]]))
    expect(cb.nodes[0]).toMatchObject({ position: { x: 120, y: 40 } })
    // Only the view moved: the doc still has the last written position.
    expect(readBoard(b).nodes[0]).toMatchObject({ x: 0, y: 0 })
    cb.showRemoteMoves(new Map())
    expect(cb.nodes[0]).toMatchObject({ position: { x: 0, y: 0 } })
  })

  it('keeps a node dragged here where this client has it, whatever the others show', () => {
    const { ca, cb } = pair()
    const id = ca.add('cache', { x: 0, y: 0 })!
    cb.gestureStart()
    cb.nodes = cb.nodes.map((n) => ({ ...n, position: { x: 5, y: 5 }, dragging: true }))
    cb.showRemoteMoves(new Map([[id, { x: 500, y: 500, w: 160, h: 60 }]]))
    expect(cb.nodes[0]!.position).toEqual({ x: 5, y: 5 })
    cb.gestureEnd()
  })

  it("never writes someone else's live move as its own edit", () => {
    const { b, ca, cb } = pair()
    const id = ca.add('cache', { x: 0, y: 0 })!
    cb.showRemoteMoves(new Map([[id, { x: 120, y: 40, w: 160, h: 60 }]]))
    // Svelte Flow hands the nodes back for a selection change: the preview is not an edit.
    cb.nodes = cb.nodes.map((n) => ({ ...n, selected: true }))
    expect(readBoard(b).nodes[0]).toMatchObject({ x: 0, y: 0 })
  })

  it('keeps a resize in progress through a remote edit, and writes its final size', () => {
    const { a, ca, cb } = pair()
    const id = ca.add('cache', { x: 0, y: 0 })!
    ca.gestureStart()
    // A resize: no dragging flag.
    ca.nodes = ca.nodes.map((n) => ({ ...n, width: 300 }))
    cb.rename(id, 'Redis')
    expect(ca.nodes[0]).toMatchObject({ width: 300, data: { label: 'Redis' } })
    ca.gestureEnd()
    expect(readBoard(a).nodes[0]!.w).toBe(300)
    ca.nodes = ca.nodes.map((n) => ({ ...n, selected: false }))
    expect(readBoard(a).nodes[0]!.w).toBe(300)
  })

  it('makes one undo step of a drag, pauses and all', async () => {
    // Real time: Yjs' undo manager reads the clock directly.
    const { a, ca } = pair()
    ca.add('service', { x: 0, y: 0 })
    ca.gestureStart()
    for (const x of [10, 20, 30]) {
      ca.nodes = ca.nodes.map((n) => ({ ...n, position: { x, y: 0 }, dragging: x < 30 }))
      // Longer than the undo manager's capture window (500 ms) between two writes.
      await new Promise((r) => setTimeout(r, 600))
    }
    ca.gestureEnd()
    expect(readBoard(a).nodes[0]!.x).toBe(30)
    ca.undo()
    expect(readBoard(a).nodes[0]!.x).toBe(0)
  })

  it('ends a gesture once, however often it is told to', () => {
    const published: unknown[] = []
    const ca = new CanvasState(new Y.Doc(), { onMoving: (m) => published.push(m) })
    ca.add('service', { x: 0, y: 0 })
    ca.gestureEnd()
    expect(published).toEqual([])
    ca.gestureStart()
    ca.nodes = ca.nodes.map((n) => ({ ...n, position: { x: 10, y: 0 }, dragging: true }))
    ca.gestureEnd()
    ca.gestureEnd()
    expect(published.filter((m) => m === null)).toHaveLength(1)
  })
})
