import type { Awareness } from 'y-protocols/awareness'
import type { Point } from '../../../../shared/canvas/geometry.js'
import type { Geometry } from './board.js'

/** Someone else on the board, from their awareness state. */
export interface Peer {
  clientId: number
  name: string
  color: string
  /** Their pointer on the canvas, in flow coordinates. */
  pointer: Point | null
  /** Node ids they have selected. */
  selection: string[]
  /**
   * Where the nodes they are dragging or resizing are right now. Live positions travel through
   * awareness; the doc gets them a few times a second and at the end of the gesture.
   */
  moving: Record<string, Geometry>
}

/** A gesture moves a handful of nodes; anything bigger is not a gesture. */
const MAX_MOVING = 50

const isPoint = (v: unknown): v is Point =>
  typeof v === 'object' && v !== null && Number.isFinite((v as Point).x) && Number.isFinite((v as Point).y)

const isGeometry = (v: unknown): v is Geometry =>
  isPoint(v) && Number.isFinite((v as Geometry).w) && Number.isFinite((v as Geometry).h) && (v as Geometry).w > 0 && (v as Geometry).h > 0

function readMoving(v: unknown): Record<string, Geometry> {
  const moving: Record<string, Geometry> = {}
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return moving
  for (const [id, g] of Object.entries(v).slice(0, MAX_MOVING)) {
    if (isGeometry(g)) moving[id] = { x: Math.round(g.x), y: Math.round(g.y), w: Math.round(g.w), h: Math.round(g.h) }
  }
  return moving
}

/** Everyone but `self`, read defensively: awareness states come from other clients as they are. */
export function readPeers(states: Map<number, Record<string, unknown>>, self: number): Peer[] {
  const peers: Peer[] = []
  for (const [clientId, state] of states) {
    if (clientId === self || !state) continue
    const user = (state.user ?? {}) as { name?: unknown; color?: unknown }
    const selection = Array.isArray(state.selection) ? state.selection.filter((s): s is string => typeof s === 'string') : []
    peers.push({
      clientId,
      name: typeof user.name === 'string' ? user.name.slice(0, 40) : 'Someone',
      color: typeof user.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : '#64748b',
      pointer: isPoint(state.pointer) ? state.pointer : null,
      selection,
      moving: readMoving(state.moving),
    })
  }
  return peers.sort((a, b) => a.clientId - b.clientId)
}

function sameMoves(a: ReadonlyMap<string, Geometry>, b: ReadonlyMap<string, Geometry>): boolean {
  if (a.size !== b.size) return false
  for (const [id, g] of a) {
    const h = b.get(id)
    if (!h || h.x !== g.x || h.y !== g.y || h.w !== g.w || h.h !== g.h) return false
  }
  return true
}

/** What this client publishes about itself on the board. */
type Outgoing = { pointer?: Point | null; moving?: Record<string, Geometry> | null }

/** Live cursors and selections of the others on a board; publishes this client's own. */
export class BoardPeers {
  #awareness: Awareness
  #peers: Peer[] = $state.raw([])
  #moves: ReadonlyMap<string, Geometry> = $state.raw(new Map())
  #sendTimer: ReturnType<typeof setTimeout> | null = null
  /** Fields waiting for the next awareness message. */
  #next: Outgoing = {}
  #onChange = () => {
    this.#peers = readPeers(this.#awareness.getStates() as Map<number, Record<string, unknown>>, this.#awareness.clientID)
    const moves = new Map<string, Geometry>()
    for (const peer of this.#peers) for (const [id, g] of Object.entries(peer.moving)) moves.set(id, g)
    // A new map only when a move changed: pointers and selections alone leave the canvas alone.
    if (!sameMoves(moves, this.#moves)) this.#moves = moves
  }

  constructor(awareness: Awareness) {
    this.#awareness = awareness
    awareness.on('change', this.#onChange)
    this.#onChange()
  }

  get peers(): Peer[] {
    return this.#peers
  }

  /** Nodes the others are dragging or resizing, where they are on their screens now. */
  get moves(): ReadonlyMap<string, Geometry> {
    return this.#moves
  }

  /** Colours of the others who have this node selected. */
  selectedBy(nodeId: string): Peer[] {
    return this.#peers.filter((p) => p.selection.includes(nodeId))
  }

  /** At most ~20 pointer messages a second, the last position always sent. */
  setPointer(point: Point | null): void {
    this.#send({ pointer: point ? { x: Math.round(point.x), y: Math.round(point.y) } : null })
  }

  /** Publishes where this client's gesture has the nodes now (null when it ends); same pace. */
  setMoving(moving: Record<string, Geometry> | null): void {
    this.#send({ moving })
  }

  /** Pointer and moves share one awareness message at most every 50 ms; the latest values win. */
  #send(fields: Outgoing): void {
    Object.assign(this.#next, fields)
    if (this.#sendTimer) return
    this.#sendTimer = setTimeout(() => this.#flush(), 50)
  }

  #flush(): void {
    if (this.#sendTimer) clearTimeout(this.#sendTimer)
    this.#sendTimer = null
    const next = this.#next
    this.#next = {}
    if (Object.keys(next).length === 0) return
    const state = this.#awareness.getLocalState()
    if (state) this.#awareness.setLocalState({ ...state, ...next })
  }

  setSelection(nodeIds: string[]): void {
    const current = this.#awareness.getLocalState()?.selection as string[] | undefined
    if (current && current.length === nodeIds.length && current.every((id, i) => id === nodeIds[i])) return
    this.#awareness.setLocalStateField('selection', nodeIds)
  }

  destroy(): void {
    // A gesture's end must not be lost: send what is waiting.
    this.#flush()
    this.#awareness.off('change', this.#onChange)
  }
}
