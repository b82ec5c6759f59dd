import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  createEdgeMap,
  createNodeMap,
  edgesOf,
  geometryChanges,
  nodesOf,
  readBoard,
  readNode,
  toFlowEdge,
  toFlowNode,
  type BoardNode,
} from './board.js'

const stored: BoardNode = { id: 'n1', kind: 'cache', label: 'Redis', x: 10, y: 20, w: 168, h: 60 }

function docWith(nodes: BoardNode[], edges: { id: string; source: string; target: string; label: string }[] = []) {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const { id, ...n } of nodes) nodesOf(doc).set(id, createNodeMap(n) as Y.Map<unknown>)
    for (const { id, ...e } of edges) edgesOf(doc).set(id, createEdgeMap(e) as Y.Map<unknown>)
  })
  return doc
}

describe('reading the board doc', () => {
  it('reads nodes and edges in the layout of DESIGN.md', () => {
    const doc = docWith([stored, { ...stored, id: 'n2', kind: 'database', label: 'Users' }], [{ id: 'e1', source: 'n1', target: 'n2', label: 'reads' }])
    expect(readBoard(doc)).toEqual({
      nodes: [stored, { ...stored, id: 'n2', kind: 'database', label: 'Users' }],
      edges: [{ id: 'e1', source: 'n1', target: 'n2', label: 'reads' }],
    })
  })

  it('reads a node written by a stock client (the test helper layout)', () => {
    const doc = new Y.Doc()
    const m = new Y.Map<unknown>()
    doc.getMap('nodes').set('a', m)
    m.set('kind', 'service')
    m.set('label', 'a')
    m.set('x', 0)
    m.set('y', 0)
    m.set('w', 160)
    m.set('h', 60)
    expect(readBoard(doc).nodes).toEqual([{ id: 'a', kind: 'service', label: 'a', x: 0, y: 0, w: 160, h: 60 }])
  })

  it('fills in defaults for a malformed node instead of failing', () => {
    const doc = new Y.Doc()
    const m = new Y.Map<unknown>()
    nodesOf(doc).set('weird', m as Y.Map<unknown>)
    m.set('kind', 'spaceship')
    m.set('x', 'left')
    m.set('w', -5)
    expect(readNode('weird', m)).toEqual({ id: 'weird', kind: 'service', label: 'Service', x: 0, y: 0, w: 80, h: 60 })
    expect(readNode('x', 'not a map')).toBeNull()
  })

  it('leaves out edges whose ends were deleted', () => {
    const doc = docWith([stored], [{ id: 'e1', source: 'n1', target: 'gone', label: '' }])
    expect(readBoard(doc).edges).toEqual([])
  })
})

describe('doc <-> Svelte Flow', () => {
  it('maps a stored node to a sized part node', () => {
    expect(toFlowNode(stored)).toEqual({
      id: 'n1',
      type: 'part',
      position: { x: 10, y: 20 },
      width: 168,
      height: 60,
      data: { kind: 'cache', label: 'Redis' },
    })
  })

  it('keeps the same object when nothing changed, and local selection when something did', () => {
    const prev = { ...toFlowNode(stored), selected: true }
    expect(toFlowNode(stored, prev)).toBe(prev)
    const moved = toFlowNode({ ...stored, x: 99 }, prev)
    expect(moved.position).toEqual({ x: 99, y: 20 })
    expect(moved.selected).toBe(true)
  })

  it('maps edges with their labels', () => {
    const e = { id: 'e1', source: 'a', target: 'b', label: 'features' }
    const flow = toFlowEdge(e)
    expect(flow).toEqual({ id: 'e1', type: 'labelled', source: 'a', target: 'b', label: 'features' })
    expect(toFlowEdge(e, flow)).toBe(flow)
  })

  it('reports only the geometry that changed, in whole pixels', () => {
    expect(geometryChanges(stored, { position: { x: 10.2, y: 20 }, width: 168, height: 60 })).toEqual({})
    expect(geometryChanges(stored, { position: { x: 40.6, y: 20 }, width: 200, height: 60 })).toEqual({ x: 41, w: 200 })
    expect(geometryChanges(stored, { position: { x: 10, y: 20 }, width: 10, height: 10 })).toEqual({ w: 80, h: 40 })
  })
})
