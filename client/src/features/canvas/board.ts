import type { Edge, Node } from '@xyflow/svelte'
import * as Y from 'yjs'
import { type BoardEdge, type BoardNode, MIN_SIZE } from '../../../../shared/canvas/board.js'
import { PARTS, type PartKind } from '../../../../shared/canvas/parts.js'

// The doc side of the board is shared with the server (reports draw the canvas too).
export * from '../../../../shared/canvas/board.js'

export type PartData = { kind: PartKind; label: string }
export type PartNode = Node<PartData, 'part'>
export type LabelledEdge = Edge<Record<string, never>, 'labelled'>

export const MAX_LABEL = 200
/**
 * The Svelte Flow node for a stored node. Local view state (selection, measured size, dragging)
 * is kept from `prev`; `prev` itself is returned when nothing changed, so Svelte Flow skips it.
 */
export function toFlowNode(n: BoardNode, prev?: PartNode): PartNode {
  if (
    prev &&
    prev.position.x === n.x &&
    prev.position.y === n.y &&
    prev.width === n.w &&
    prev.height === n.h &&
    prev.data.kind === n.kind &&
    prev.data.label === n.label
  ) {
    return prev
  }
  const node: PartNode = {
    id: n.id,
    type: 'part',
    position: { x: n.x, y: n.y },
    width: n.w,
    height: n.h,
    data: { kind: n.kind, label: n.label },
  }
  if (prev?.selected) node.selected = true
  if (prev?.measured) node.measured = prev.measured
  return node
}

export function toFlowEdge(e: BoardEdge, prev?: LabelledEdge): LabelledEdge {
  if (prev && prev.source === e.source && prev.target === e.target && prev.label === e.label) return prev
  const edge: LabelledEdge = { id: e.id, type: 'labelled', source: e.source, target: e.target, label: e.label }
  if (prev?.selected) edge.selected = true
  return edge
}

export type Geometry = Pick<BoardNode, 'x' | 'y' | 'w' | 'h'>

/** What a Svelte Flow node changed about position and size, compared with the doc (whole pixels). */
export function geometryChanges(stored: BoardNode, flow: Pick<PartNode, 'position' | 'width' | 'height'>): Partial<Geometry> {
  const changes: Partial<Geometry> = {}
  const x = Math.round(flow.position.x)
  const y = Math.round(flow.position.y)
  if (x !== stored.x) changes.x = x
  if (y !== stored.y) changes.y = y
  if (flow.width !== undefined) {
    const w = Math.max(MIN_SIZE.w, Math.round(flow.width))
    if (w !== stored.w) changes.w = w
  }
  if (flow.height !== undefined) {
    const h = Math.max(MIN_SIZE.h, Math.round(flow.height))
    if (h !== stored.h) changes.h = h
  }
  return changes
}

export function createNodeMap(n: Omit<BoardNode, 'id'>): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  map.set('kind', n.kind)
  map.set('label', n.label)
  map.set('x', Math.round(n.x))
  map.set('y', Math.round(n.y))
  map.set('w', Math.round(n.w))
  map.set('h', Math.round(n.h))
  return map
}

export function createEdgeMap(e: Omit<BoardEdge, 'id'>): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  map.set('source', e.source)
  map.set('target', e.target)
  map.set('label', e.label)
  return map
}

export function cleanLabel(label: string): string {
  return label.replace(/\r\n?/g, '\n').trim().slice(0, MAX_LABEL)
}

/** A random id, short enough to read in logs; collisions across clients are astronomically unlikely. */
export function newId(prefix: 'n' | 'e'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return prefix + '_' + Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 14)
}
