import type { Edge, Node } from '@xyflow/svelte'
import * as Y from 'yjs'
import { isPartKind, PARTS, type PartKind } from './parts.js'

/**
 * The board doc's canvas (DESIGN.md): `nodes` id → Y.Map{kind,label,x,y,w,h} and
 * `edges` id → Y.Map{source,target,label}. Everything here is pure mapping between the doc and
 * Svelte Flow's node and edge objects.
 */
export interface BoardNode {
  id: string
  kind: PartKind
  label: string
  x: number
  y: number
  w: number
  h: number
}
export interface BoardEdge {
  id: string
  source: string
  target: string
  label: string
}

export type PartData = { kind: PartKind; label: string }
export type PartNode = Node<PartData, 'part'>
export type LabelledEdge = Edge<Record<string, never>, 'labelled'>

export const MAX_LABEL = 200
export const MIN_SIZE = { w: 80, h: 40 }

export function nodesOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('nodes')
}
export function edgesOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('edges')
}

const finite = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)

/** A node as stored, with defaults for anything missing or malformed (another client may be older or buggy). */
export function readNode(id: string, value: unknown): BoardNode | null {
  if (!(value instanceof Y.Map)) return null
  const raw = value.get('kind')
  const kind: PartKind = isPartKind(raw) ? raw : 'service'
  const label = value.get('label')
  return {
    id,
    kind,
    label: typeof label === 'string' ? label : PARTS[kind].name,
    x: finite(value.get('x'), 0),
    y: finite(value.get('y'), 0),
    w: Math.max(MIN_SIZE.w, finite(value.get('w'), PARTS[kind].w)),
    h: Math.max(MIN_SIZE.h, finite(value.get('h'), PARTS[kind].h)),
  }
}

export function readEdge(id: string, value: unknown): BoardEdge | null {
  if (!(value instanceof Y.Map)) return null
  const source = value.get('source')
  const target = value.get('target')
  const label = value.get('label')
  if (typeof source !== 'string' || typeof target !== 'string') return null
  return { id, source, target, label: typeof label === 'string' ? label : '' }
}

/** The whole canvas; edges whose ends are gone (deleted concurrently) are left out. */
export function readBoard(doc: Y.Doc): { nodes: BoardNode[]; edges: BoardEdge[] } {
  const nodes: BoardNode[] = []
  for (const [id, value] of nodesOf(doc)) {
    const node = readNode(id, value)
    if (node) nodes.push(node)
  }
  // Stable order: Y.Map iteration order is not guaranteed to match between clients.
  nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const ids = new Set(nodes.map((n) => n.id))
  const edges: BoardEdge[] = []
  for (const [id, value] of edgesOf(doc)) {
    const edge = readEdge(id, value)
    if (edge && ids.has(edge.source) && ids.has(edge.target)) edges.push(edge)
  }
  edges.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { nodes, edges }
}

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
