import type { Awareness } from 'y-protocols/awareness'
import type { Point } from '../../../../shared/canvas/geometry.js'

/** Someone else on the board, from their awareness state. */
export interface Peer {
  clientId: number
  name: string
  color: string
  /** Their pointer on the canvas, in flow coordinates. */
  pointer: Point | null
  /** Node ids they have selected. */
  selection: string[]
}

const isPoint = (v: unknown): v is Point =>
  typeof v === 'object' && v !== null && Number.isFinite((v as Point).x) && Number.isFinite((v as Point).y)

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
    })
  }
  return peers.sort((a, b) => a.clientId - b.clientId)
}

/** Live cursors and selections of the others on a board; publishes this client's own. */
export class BoardPeers {
  #awareness: Awareness
  #peers: Peer[] = $state.raw([])
  #pointerTimer: ReturnType<typeof setTimeout> | null = null
  #nextPointer: Point | null = null
  #onChange = () => {
    this.#peers = readPeers(this.#awareness.getStates() as Map<number, Record<string, unknown>>, this.#awareness.clientID)
  }

  constructor(awareness: Awareness) {
    this.#awareness = awareness
    awareness.on('change', this.#onChange)
    this.#onChange()
  }

  get peers(): Peer[] {
    return this.#peers
  }

  /** Colours of the others who have this node selected. */
  selectedBy(nodeId: string): Peer[] {
    return this.#peers.filter((p) => p.selection.includes(nodeId))
  }

  /** At most ~20 pointer messages a second, the last position always sent. */
  setPointer(point: Point | null): void {
    this.#nextPointer = point ? { x: Math.round(point.x), y: Math.round(point.y) } : null
    if (this.#pointerTimer) return
    this.#pointerTimer = setTimeout(() => {
      this.#pointerTimer = null
      this.#awareness.setLocalStateField('pointer', this.#nextPointer)
    }, 50)
  }

  setSelection(nodeIds: string[]): void {
    const current = this.#awareness.getLocalState()?.selection as string[] | undefined
    if (current && current.length === nodeIds.length && current.every((id, i) => id === nodeIds[i])) return
    this.#awareness.setLocalStateField('selection', nodeIds)
  }

  destroy(): void {
    if (this.#pointerTimer) clearTimeout(this.#pointerTimer)
    this.#awareness.off('change', this.#onChange)
  }
}
