import * as Y from 'yjs'
import {
  cleanLabel,
  createEdgeMap,
  createNodeMap,
  edgesOf,
  type Geometry,
  geometryChanges,
  type LabelledEdge,
  newId,
  nodesOf,
  type PartNode,
  readBoard,
  readNode,
  toFlowEdge,
  toFlowNode,
} from './board.js'
import { PARTS, type PartKind } from '../../../../shared/canvas/parts.js'

/**
 * During a drag or resize, the doc (and so the update log and every replay) gets the positions at
 * most this often, and the final one when the gesture ends; the others see the gesture live
 * through awareness (`onMoving`), which is not stored. Every doc write of a Y.Map key leaves an
 * item behind for good, so writing each frame would bloat the board for its whole life.
 */
export const GESTURE_WRITE_MS = 250
/** Edits closer together than this are one undo step; a whole gesture is one whatever its pauses. */
const UNDO_CAPTURE_MS = 500

/**
 * The canvas of one board doc, bound two-way to Svelte Flow: `nodes`/`edges` are what the flow
 * renders; what the flow sets back (moves, resizes, deletions) is written to the doc. Remote
 * changes and undo/redo rebuild the lists from the doc. Undo covers this client's changes only.
 */
export class CanvasState {
  /** The transaction origin of this client's canvas edits, tracked by the undo manager. */
  readonly origin = { source: 'canvas' }
  #doc!: Y.Doc
  #nodesMap!: Y.Map<Y.Map<unknown>>
  #edgesMap!: Y.Map<Y.Map<unknown>>
  #nodes: PartNode[] = $state.raw([])
  #edges: LabelledEdge[] = $state.raw([])
  #readOnly = $state(false)
  #canUndo = $state(false)
  #canRedo = $state(false)
  #editing: { kind: 'node' | 'edge'; id: string } | null = $state(null)
  #undo!: Y.UndoManager
  #pending = new Map<string, Partial<Geometry>>()
  /** A drag or resize is going on here. */
  #gesture = false
  /** Where this client's gesture has its nodes now, published live to the others. */
  #moving = new Map<string, Geometry>()
  #onMoving: (moving: Record<string, Geometry> | null) => void
  /** Whether the others were last sent a gesture (so they must be told when it ends). */
  #movingPublished = false
  /** Nodes someone else is dragging or resizing, where they are on their screen. */
  #remoteMoves: ReadonlyMap<string, Geometry> = new Map()
  #flushTimer: ReturnType<typeof setTimeout> | null = null
  /** Set while writing what the flow already shows, so the observer does not rebuild it again. */
  #writingFromFlow = false
  #unbind: () => void = () => {}

  constructor(doc: Y.Doc, opts: { readOnly?: boolean; onMoving?: (moving: Record<string, Geometry> | null) => void } = {}) {
    this.#readOnly = opts.readOnly ?? false
    this.#onMoving = opts.onMoving ?? (() => {})
    this.#bind(doc)
  }

  /**
   * Shows another doc in the same flow: a replay's seek brings a fresh doc, and the view (zoom,
   * pan, measured sizes) stays as it was rather than being built again.
   */
  replaceDoc(doc: Y.Doc): void {
    if (doc === this.#doc) return
    this.#flush()
    this.#unbind()
    this.#editing = null
    this.#bind(doc)
  }

  #bind(doc: Y.Doc): void {
    this.#doc = doc
    this.#nodesMap = nodesOf(doc)
    this.#edgesMap = edgesOf(doc)
    this.#rebuild()
    const nodesMap = this.#nodesMap
    const edgesMap = this.#edgesMap
    const onChange = (_events: unknown, tx: Y.Transaction) => {
      if (!(this.#writingFromFlow && tx.origin === this.origin)) this.#rebuild()
    }
    nodesMap.observeDeep(onChange)
    edgesMap.observeDeep(onChange)
    const undo = new Y.UndoManager([nodesMap, edgesMap], {
      trackedOrigins: new Set([this.origin]),
      captureTimeout: UNDO_CAPTURE_MS,
    })
    this.#undo = undo
    const flags = () => {
      this.#canUndo = undo.canUndo()
      this.#canRedo = undo.canRedo()
    }
    undo.on('stack-item-added', flags)
    undo.on('stack-item-popped', flags)
    undo.on('stack-cleared', flags)
    flags()
    this.#unbind = () => {
      nodesMap.unobserveDeep(onChange)
      edgesMap.unobserveDeep(onChange)
      undo.destroy()
    }
  }

  get nodes(): PartNode[] {
    return this.#nodes
  }
  /** Called by Svelte Flow for every change it makes: selection, measuring, dragging, resizing, deleting. */
  set nodes(next: PartNode[]) {
    const prev = this.#nodes
    this.#nodes = next
    if (this.#readOnly) return
    const kept = new Set(next.map((n) => n.id))
    const removed = prev.filter((n) => !kept.has(n.id)).map((n) => n.id)
    let live = this.#gesture
    let moved = false
    for (const node of next) {
      const stored = readNode(node.id, this.#nodesMap.get(node.id))
      if (!stored) continue
      // Compared with what the flow was shown: someone else's live move is not an edit made here.
      const remote = node.dragging || this.#moving.has(node.id) ? undefined : this.#remoteMoves.get(node.id)
      const changes = geometryChanges(remote ? { ...stored, ...remote } : stored, node)
      if (Object.keys(changes).length === 0) continue
      const pending = { ...this.#pending.get(node.id), ...changes }
      this.#pending.set(node.id, pending)
      const now = { x: stored.x, y: stored.y, w: stored.w, h: stored.h, ...pending }
      const before = this.#moving.get(node.id)
      if (!before || before.x !== now.x || before.y !== now.y || before.w !== now.w || before.h !== now.h) {
        this.#moving.set(node.id, now)
        moved = true
      }
      live ||= node.dragging === true
    }
    if (removed.length > 0) this.remove(removed, [])
    if (this.#pending.size === 0) return
    if (!live) {
      this.#moving.clear()
      this.#withdrawMoving()
      this.#flush()
      return
    }
    if (moved) {
      this.#onMoving(Object.fromEntries(this.#moving))
      this.#movingPublished = true
    }
    this.#flushTimer ??= setTimeout(() => this.#flush(), GESTURE_WRITE_MS)
  }

  get edges(): LabelledEdge[] {
    return this.#edges
  }
  set edges(next: LabelledEdge[]) {
    const prev = this.#edges
    this.#edges = next
    if (this.#readOnly) return
    const kept = new Set(next.map((e) => e.id))
    const removed = prev.filter((e) => !kept.has(e.id)).map((e) => e.id)
    if (removed.length > 0) this.remove([], removed)
  }

  get readOnly(): boolean {
    return this.#readOnly
  }
  set readOnly(value: boolean) {
    this.#readOnly = value
    if (value) this.#editing = null
  }
  get canUndo(): boolean {
    return this.#canUndo
  }
  get canRedo(): boolean {
    return this.#canRedo
  }
  /** The node or edge whose label is being edited here, if any. */
  get editing(): { kind: 'node' | 'edge'; id: string } | null {
    return this.#editing
  }

  /** Adds a part with its top-left corner at `at` (flow coordinates); returns its id. */
  add(kind: PartKind, at: { x: number; y: number }): string | null {
    if (this.#readOnly) return null
    const id = newId('n')
    const part = PARTS[kind]
    this.#edit(() => this.#nodesMap.set(id, createNodeMap({ kind, label: part.name, x: at.x, y: at.y, w: part.w, h: part.h }) as Y.Map<unknown>))
    // The new part is the one selected, ready to rename or connect.
    this.#nodes = this.#nodes.map((n) => (n.id === id ? { ...n, selected: true } : n.selected ? { ...n, selected: false } : n))
    return id
  }

  /** Connects two nodes; returns the new edge's id (null for a loop or an existing connection). */
  connect(source: string, target: string, label = ''): string | null {
    if (this.#readOnly || source === target) return null
    if (!this.#nodesMap.has(source) || !this.#nodesMap.has(target)) return null
    const exists = this.#edges.some((e) => e.source === source && e.target === target)
    if (exists) return null
    const id = newId('e')
    this.#edit(() => this.#edgesMap.set(id, createEdgeMap({ source, target, label: cleanLabel(label) }) as Y.Map<unknown>))
    return id
  }

  rename(nodeId: string, label: string): void {
    const node = this.#nodesMap.get(nodeId)
    if (this.#readOnly || !node) return
    const clean = cleanLabel(label)
    if (node.get('label') !== clean) this.#edit(() => node.set('label', clean))
  }

  relabel(edgeId: string, label: string): void {
    const edge = this.#edgesMap.get(edgeId)
    if (this.#readOnly || !edge) return
    const clean = cleanLabel(label)
    if (edge.get('label') !== clean) this.#edit(() => edge.set('label', clean))
  }

  /** Deletes nodes (with the edges that touch them) and edges. */
  remove(nodeIds: string[], edgeIds: string[]): void {
    if (this.#readOnly) return
    const nodes = new Set(nodeIds.filter((id) => this.#nodesMap.has(id)))
    const edges = new Set(edgeIds.filter((id) => this.#edgesMap.has(id)))
    for (const [id, edge] of this.#edgesMap) {
      if (nodes.has(edge.get('source') as string) || nodes.has(edge.get('target') as string)) edges.add(id)
    }
    if (nodes.size === 0 && edges.size === 0) return
    for (const id of nodes) this.#pending.delete(id)
    this.#edit(() => {
      for (const id of edges) this.#edgesMap.delete(id)
      for (const id of nodes) this.#nodesMap.delete(id)
    })
  }

  /** Selects one part alone: something elsewhere in the room points at it. Allowed read-only too. */
  select(nodeId: string): void {
    this.#nodes = this.#nodes.map((n) => (n.id === nodeId ? (n.selected ? n : { ...n, selected: true }) : n.selected ? { ...n, selected: false } : n))
    this.#edges = this.#edges.map((e) => (e.selected ? { ...e, selected: false } : e))
  }

  startEditing(kind: 'node' | 'edge', id: string): void {
    if (!this.#readOnly) this.#editing = { kind, id }
  }
  stopEditing(): void {
    this.#editing = null
  }

  /** A drag or resize begins: it becomes one undo step of its own, however long it pauses. */
  gestureStart(): void {
    this.#flush()
    this.#undo.stopCapturing()
    this.#moving.clear()
    this.#gesture = true
    this.#undo.captureTimeout = Number.POSITIVE_INFINITY
  }

  /**
   * The gesture ends: its final geometry goes to the doc, then the live preview is withdrawn.
   * Safe to call again, or without a gesture (the board also calls it on every pointer release,
   * because Svelte Flow drops a drag without telling when the dragged node is deleted under it).
   */
  gestureEnd(): void {
    if (!this.#gesture) return
    this.#gesture = false
    this.#flush()
    this.#undo.captureTimeout = UNDO_CAPTURE_MS
    this.#undo.stopCapturing()
    this.#moving.clear()
    this.#withdrawMoving()
    this.#rebuild()
  }

  #withdrawMoving(): void {
    if (!this.#movingPublished) return
    this.#movingPublished = false
    this.#onMoving(null)
  }

  /**
   * Shows the others' gestures in progress. A node in a gesture here (drag or resize) keeps what
   * this client shows; when their gesture ends, the node falls back to the doc, which by then has
   * its final geometry.
   */
  showRemoteMoves(moves: ReadonlyMap<string, Geometry>): void {
    if (moves.size === 0 && this.#remoteMoves.size === 0) return
    this.#remoteMoves = moves
    this.#rebuild()
  }

  undo(): void {
    this.#flush()
    this.#undo.undo()
  }
  redo(): void {
    this.#undo.redo()
  }

  destroy(): void {
    if (this.#gesture) this.gestureEnd()
    this.#flush()
    this.#unbind()
  }

  /** One discrete edit: one transaction, one undo step. */
  #edit(fn: () => void): void {
    this.#flush()
    this.#undo.stopCapturing()
    this.#doc.transact(fn, this.origin)
    this.#undo.stopCapturing()
  }

  #flush(): void {
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer)
      this.#flushTimer = null
    }
    if (this.#pending.size === 0) return
    const pending = [...this.#pending]
    this.#pending.clear()
    this.#writingFromFlow = true
    try {
      this.#doc.transact(() => {
        for (const [id, changes] of pending) {
          const node = this.#nodesMap.get(id)
          if (!node) continue
          for (const [field, value] of Object.entries(changes)) node.set(field, value)
        }
      }, this.origin)
    } finally {
      this.#writingFromFlow = false
    }
  }

  #rebuild(): void {
    const board = readBoard(this.#doc)
    const prevNodes = new Map(this.#nodes.map((n) => [n.id, n]))
    const prevEdges = new Map(this.#edges.map((e) => [e.id, e]))
    this.#nodes = board.nodes.map((n) => {
      const prev = prevNodes.get(n.id)
      // A node being dragged here keeps its live position until the drag's writes land.
      if (prev?.dragging) return prev
      // Then this client's own gesture (a resize has no dragging flag), then the others'.
      const moving = this.#moving.get(n.id) ?? this.#remoteMoves.get(n.id)
      return toFlowNode(moving ? { ...n, ...moving } : n, prev)
    })
    this.#edges = board.edges.map((e) => toFlowEdge(e, prevEdges.get(e.id)))
  }
}
