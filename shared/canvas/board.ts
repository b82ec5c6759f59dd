import * as Y from 'yjs'
import { isPartKind, PARTS, type PartKind } from './parts.js'

/**
 * The board doc's canvas (DESIGN.md): `nodes` id → Y.Map{kind,label,x,y,w,h} and
 * `edges` id → Y.Map{source,target,label}. Reading it, for the live canvas, the replay and the
 * server's reports alike.
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

/** The smallest a part can be resized to. */
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

function readEdge(id: string, value: unknown): BoardEdge | null {
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

