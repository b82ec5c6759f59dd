import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { AppError } from '../../shared/errors.js'
import { DOC_LIMITS, type DocLimits } from '../../shared/canvas/limits.js'
import { admitAwareness } from './awareness-guard.js'
import type { DocStore, LoggedUpdate } from './doc-store.js'
import type { RelayedDoc, RelayLink } from './doc-relay.js'
import { DocUsage } from './doc-usage.js'
import { applyStored, type StoredKeyframe } from './keyframe.js'
import { checkUpdate, integratesWhole, InvalidUpdate, type UpdateVerdict } from './update-check.js'

/**
 * An update refused because it depends on something the document does not have. The socket is
 * closed with RESYNC_CLOSE_CODE, which stock providers reconnect on: their sync step 2 then
 * carries the update together with what it depends on.
 */
export class MissingDependency extends Error {}

/** What one socket may have waiting for its sync step 2 (`LiveDoc.#applyOrHold`): a few seconds of typing. */
const HELD_UPDATES_MAX = 500
const HELD_BYTES_MAX = 1024 * 1024

/** Updates a socket may send per minute that only a scratch copy of the document can decide. */
const SCRATCH_CHECKS_PER_MINUTE = 20

/** At most `max` uses per socket in any window of `windowMs` (fixed windows, kept with the socket). */
class PerSocketBudget {
  readonly #used = new WeakMap<object, { since: number; n: number }>()
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  take(socket: object, now: number): boolean {
    let entry = this.#used.get(socket)
    if (!entry || now - entry.since >= this.windowMs) this.#used.set(socket, (entry = { since: now, n: 0 }))
    return ++entry.n <= this.max
  }
}

/** The origin of what another node sent (doc-relay.ts): applied and shown here, logged by that node, never sent back. */
const REMOTE = Symbol('another node')
/** Awareness' own origin when it drops a state nobody renewed for 30 s: each node does so by itself. */
const AWARENESS_TIMEOUT = 'timeout'

/** Another node's sockets of one invite link, as the awareness guard sees them (they own the ids they announced). */
interface RemoteOwner {
  readonly linkId: string
  readonly awarenessIds: Set<number>
  readonly silent: boolean
}

/** y-websocket message types. */
export const MESSAGE_SYNC = 0
export const MESSAGE_AWARENESS = 1
export const MESSAGE_QUERY_AWARENESS = 3

/** One open socket on a live document. */
export interface DocConnection {
  readonly linkId: string
  readonly canWrite: boolean
  send(message: Uint8Array): void
  close(code: number, reason: string): void
  /** Awareness client ids this socket owns (it announced them first), removed when it closes. */
  readonly awarenessIds: Set<number>
  /** Its people's cursors are hidden from the candidate (a hiring panel's observers). */
  readonly silent?: boolean
  /** This socket sees silent people's cursors (everyone but a hiring panel's candidate). */
  readonly seesSilent?: boolean
}

/**
 * A document held in memory while anyone has it open: the Y.Doc, its awareness, its sockets, and
 * the sequence number of the next update to log.
 */
export class LiveDoc implements RelayedDoc {
  readonly ydoc = new Y.Doc({ gc: true })
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc)
  readonly conns = new Set<DocConnection>()
  #seq: number
  #sinceKeyframe = 0
  #destroyed = false
  /** Set by the afterTransaction hook: did the last applied update change anything? */
  #changed = false
  readonly #usage: DocUsage
  readonly #scratchBudget = new PerSocketBudget(SCRATCH_CHECKS_PER_MINUTE, 60_000)
  /** Sockets whose sync step 2 has arrived, and the updates others sent ahead of theirs (`#applyOrHold`). */
  readonly #resynced = new WeakSet<DocConnection>()
  readonly #held = new WeakMap<DocConnection, { updates: Array<{ update: Uint8Array; message: Uint8Array }>; bytes: number }>()
  /** Which socket owns each awareness client id (awareness-guard.ts), or which other node's link. */
  readonly #owners = new Map<number, DocConnection | RemoteOwner>()
  readonly #remoteOwners = new Map<string, RemoteOwner>()
  /** The same document on other nodes (REDIS_URL), once LiveDocs has opened it; null on a single node. */
  relay: RelayLink | null = null

  constructor(
    readonly roomId: string,
    /** The document's key in the log (`docKey`). */
    readonly name: string,
    lastSeq: number,
    private readonly store: DocStore,
    private readonly keyframeEvery: number,
    private readonly clock: () => number,
    limits: DocLimits = DOC_LIMITS,
  ) {
    this.#usage = new DocUsage(limits)
    this.#seq = lastSeq
    // The server is not a participant: it has no awareness state of its own.
    this.awareness.setLocalState(null)
    this.ydoc.on('afterTransaction', this.#onTransaction)
    this.awareness.on('update', this.#onAwareness)
  }

  get seq(): number {
    return this.#seq
  }

  /** Applies the stored keyframe and tail; done once, before any socket is served. */
  restore(keyframe: StoredKeyframe | null, tail: Uint8Array[]): void {
    // Origin 'restore' keeps these out of the log and off the wire: they are already stored.
    applyStored(this.ydoc, keyframe, tail, 'restore')
    const store = this.ydoc.store
    // Logs written before updates were checked whole may leave Yjs pending state; the live
    // document never keeps any (a later update would retry it, and could throw half-way).
    store.pendingStructs = null
    store.pendingDs = null
    let bytes = keyframe?.state.byteLength ?? 0
    for (const u of tail) bytes += u.byteLength
    this.#usage.restored(this.ydoc, bytes)
  }

  /** Sends sync step 1 and the current awareness to a socket that just joined. */
  greet(conn: DocConnection): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(encoder, this.ydoc)
    conn.send(encoding.toUint8Array(encoder))
    this.#sendAwareness(conn, [...this.awareness.getStates().keys()])
  }

  /** The awareness of `ids` to one socket, leaving out silent people's for a socket that may not see them. */
  #sendAwareness(conn: DocConnection, ids: number[]): void {
    const shown = conn.seesSilent === false ? ids.filter((id) => !this.#owners.get(id)?.silent) : ids
    if (shown.length > 0) conn.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, shown)))
  }

  /**
   * Handles one message from a socket. Throws AppError('invalid') for bytes that do not decode or
   * an update that does not apply; the caller closes that socket, and nothing is stored.
   */
  receive(conn: DocConnection, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(decoder)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          const stateVector = decoding.readVarUint8Array(decoder)
          const encoder = encoding.createEncoder()
          encoding.writeVarUint(encoder, MESSAGE_SYNC)
          syncProtocol.writeSyncStep2(encoder, this.ydoc, stateVector)
          conn.send(encoding.toUint8Array(encoder))
        } else if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          const update = decoding.readVarUint8Array(decoder)
          // Read-only sockets (observers) send step 2 on every connect: drop it, keep the socket.
          if (!conn.canWrite) return
          if (sub === syncProtocol.messageYjsSyncStep2) {
            // A step 2 is re-framed as an update when relayed. It answers our step 1, so it holds
            // everything this client has that we lack: what waited for it is decided now.
            this.#apply(conn, update, null)
            this.#resynced.add(conn)
            this.#release(conn)
          } else if (this.#resynced.has(conn)) this.#apply(conn, update, message)
          else this.#applyOrHold(conn, update, message)
        } else {
          throw new AppError('invalid', `unknown sync message ${sub}`)
        }
        break
      }
      case MESSAGE_AWARENESS: {
        const update = admitAwareness(decoding.readVarUint8Array(decoder), this.awareness, this.#owners, conn)
        if (update) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, conn)
        break
      }
      case MESSAGE_QUERY_AWARENESS: {
        this.#sendAwareness(conn, [...this.awareness.getStates().keys()])
        break
      }
      default:
        throw new AppError('invalid', `unknown message type ${type}`)
    }
  }

  /**
   * The hot path. The live document only ever holds what the log holds: an update is applied only
   * once it is known to integrate whole (`checkUpdate`, a single read of its bytes; a scratch copy
   * for the rare update it cannot decide), then logged and relayed as the bytes that came in: no
   * re-encoding (the reference server re-encodes every update through Yjs' 'update' event, ~4 µs
   * each), no echo to the sender, and nothing at all for an update that changes nothing (a
   * duplicate). An update that depends on something the server lacks is refused whole
   * (`MissingDependency`): applying it would leave Yjs "pending" state that no log row holds and
   * that later edits could trip over; the client's resync after it reconnects brings it complete.
   */
  #apply(conn: DocConnection, update: Uint8Array, message: Uint8Array | null): void {
    let verdict: UpdateVerdict
    try {
      verdict = checkUpdate(this.ydoc, update)
    } catch (err) {
      throw new AppError('invalid', err instanceof InvalidUpdate ? err.message : 'update does not decode')
    }
    if (verdict.kind === 'missing') throw new MissingDependency(verdict.reason)
    if (verdict.kind === 'undecided') {
      // A full check copies the document: a socket gets a few a minute (a resync needs one).
      if (!this.#scratchBudget.take(conn, this.clock())) throw new MissingDependency('too many updates that need a full check')
      if (!integratesWhole(this.ydoc, update)) throw new MissingDependency('the update does not integrate whole')
    }
    this.#usage.admit(this.ydoc, verdict.adds, update.byteLength)
    this.#changed = false
    try {
      Y.applyUpdate(this.ydoc, update, conn)
    } catch (err) {
      // checkUpdate rules this out. Should Yjs throw all the same, the document may hold part of
      // the update, which the log does not: it is reloaded from the log (LiveDocs), its sockets
      // reconnect and resync.
      this.onBroken(this)
      throw new AppError('invalid', `update does not apply: ${String(err)}`)
    }
    if (!this.#changed) return
    this.#usage.add(verdict.adds, update.byteLength)
    // A step 2 (message null) may resend what this client sent another node before it moved here.
    this.#record(update, conn, message === null)
    const relay = message ?? updateMessage(update)
    for (const other of this.conns) if (other !== conn) other.send(relay)
    this.relay?.update(update, conn.linkId)
  }

  /**
   * An update another node accepted, logged and published (doc-relay.ts): applied whole or not at
   * all, like a socket's, and sent to this node's sockets. 'missing': it depends on what this node
   * lacks (an entry missed while Redis was away): the relay asks the other nodes for it.
   */
  applyRemote(update: Uint8Array): 'changed' | 'unchanged' | 'missing' {
    let verdict: UpdateVerdict
    try {
      verdict = checkUpdate(this.ydoc, update)
    } catch {
      // The node that accepted it checked it against a document holding more than this one.
      return 'missing'
    }
    if (verdict.kind === 'missing') return 'missing'
    if (verdict.kind === 'undecided' && !integratesWhole(this.ydoc, update)) return 'missing'
    this.#changed = false
    try {
      Y.applyUpdate(this.ydoc, update, REMOTE)
    } catch {
      this.onBroken(this)
      return 'missing'
    }
    if (!this.#changed) return 'unchanged'
    // Counted, never refused: the node that took it held it to the same limits.
    this.#usage.add(verdict.adds, update.byteLength)
    const message = updateMessage(update)
    for (const conn of this.conns) conn.send(message)
    return 'changed'
  }

  applyRemoteAwareness(update: Uint8Array, linkId: string, silent: boolean): void {
    let owner = this.#remoteOwners.get(linkId)
    if (!owner) this.#remoteOwners.set(linkId, (owner = { linkId, awarenessIds: new Set(), silent }))
    let kept: Uint8Array | null
    try {
      kept = admitAwareness(update, this.awareness, this.#owners, owner)
    } catch {
      return
    }
    if (kept) awarenessProtocol.applyAwarenessUpdate(this.awareness, kept, REMOTE)
    for (const id of owner.awarenessIds) {
      if (this.awareness.states.has(id)) continue
      owner.awarenessIds.delete(id)
      if (this.#owners.get(id) === owner) this.#owners.delete(id)
    }
    if (owner.awarenessIds.size === 0) this.#remoteOwners.delete(linkId)
  }

  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.ydoc)
  }

  diff(stateVector: Uint8Array): Uint8Array | null {
    try {
      const diff = Y.encodeStateAsUpdate(this.ydoc, stateVector)
      // An update with nothing in it: no structs, no deletions.
      return diff.byteLength > 2 ? diff : null
    } catch {
      return null
    }
  }

  awarenessSnapshot(): Array<{ update: Uint8Array; linkId: string; silent: boolean }> {
    return this.#byLink([...this.awareness.getStates().keys()])
  }

  /** Awareness updates of those of `ids` this node's sockets own, one per invite link. */
  #byLink(ids: readonly number[]): Array<{ update: Uint8Array; linkId: string; silent: boolean }> {
    const groups = new Map<string, { ids: number[]; silent: boolean }>()
    for (const id of ids) {
      const owner = this.#owners.get(id)
      if (!owner || this.#remoteOwners.get(owner.linkId) === owner) continue
      const group = groups.get(owner.linkId)
      if (group) group.ids.push(id)
      else groups.set(owner.linkId, { ids: [id], silent: owner.silent === true })
    }
    return [...groups].map(([linkId, group]) => ({ linkId, silent: group.silent, update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, group.ids) }))
  }

  /**
   * Before a socket's sync step 2 (a reconnect: the provider sends what it types at once, ahead of
   * its step 2 with the edits it made offline), an update that depends on what the server lacks
   * waits for that step 2, off the document, instead of sending the client away to resync.
   */
  #applyOrHold(conn: DocConnection, update: Uint8Array, message: Uint8Array): void {
    try {
      this.#apply(conn, update, message)
    } catch (err) {
      if (!(err instanceof MissingDependency)) throw err
      const held = this.#held.get(conn) ?? { updates: [], bytes: 0 }
      if (held.updates.length >= HELD_UPDATES_MAX || held.bytes + message.byteLength > HELD_BYTES_MAX) throw err
      // Copies: the socket's buffers are its own again once this returns.
      held.updates.push({ update: update.slice(), message: message.slice() })
      held.bytes += message.byteLength
      this.#held.set(conn, held)
    }
  }

  /** Applies what waited for this socket's step 2, in order; what still lacks a dependency is refused. */
  #release(conn: DocConnection): void {
    const held = this.#held.get(conn)
    if (!held) return
    this.#held.delete(conn)
    for (const { update, message } of held.updates) this.#apply(conn, update, message)
  }

  /** Appends an accepted update to the log, with a keyframe every `keyframeEvery` updates. */
  #record(update: Uint8Array, from: DocConnection, resent: boolean): void {
    const seq = ++this.#seq
    const row: LoggedUpdate = { roomId: this.roomId, doc: this.name, seq, at: this.clock(), participantId: from.linkId, bytes: update }
    if (resent) row.resent = true
    this.store.append(row)
    if (++this.#sinceKeyframe >= this.keyframeEvery) {
      this.#sinceKeyframe = 0
      this.store.keyframeDue(this.#keyframes)
    }
  }

  /** Removes a socket and the awareness states it owns. */
  leave(conn: DocConnection): void {
    if (!this.conns.delete(conn)) return
    if (conn.awarenessIds.size > 0) {
      // Removed while still owned, so that other nodes hear whose they were.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds].filter((id) => this.awareness.states.has(id)), null)
      for (const id of conn.awarenessIds) this.#owners.delete(id)
    }
  }

  get destroyed(): boolean {
    return this.#destroyed
  }

  /** Called once if the document becomes broken; LiveDocs replaces it with a copy loaded from the log. */
  onBroken: (doc: LiveDoc) => void = () => {}

  destroy(): void {
    this.#destroyed = true
    this.relay?.close()
    this.relay = null
    this.ydoc.off('afterTransaction', this.#onTransaction)
    this.awareness.off('update', this.#onAwareness)
    this.awareness.destroy()
    this.ydoc.destroy()
  }

  /** Encodes this document's keyframe when the store writes it (off the hot path). */
  readonly #keyframes = {
    take: () => ({ roomId: this.roomId, doc: this.name, seq: this.#seq, at: new Date(this.clock()), ydoc: this.ydoc }),
  }

  /** Whether a transaction changed the document: new structs or deletions (no encoding needed to tell). */
  #onTransaction = (tr: Y.Transaction): void => {
    if (tr.deleteSet.clients.size > 0) {
      this.#changed = true
      return
    }
    for (const [client, clock] of tr.afterState) {
      if (tr.beforeState.get(client) !== clock) {
        this.#changed = true
        return
      }
    }
  }

  #onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const changed = added.concat(updated, removed)
    const message = awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    // A hiring panel's candidate never sees its observers' cursors: theirs is encoded without them.
    const silent = changed.some((id) => this.#owners.get(id)?.silent)
    const shown = silent ? changed.filter((id) => !this.#owners.get(id)?.silent) : changed
    const shownMessage = !silent ? message : shown.length > 0 ? awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, shown)) : null
    for (const conn of this.conns) {
      const m = conn.seesSilent === false ? shownMessage : message
      if (m) conn.send(m)
    }
    // This node's sockets' news, to the other nodes (theirs came from them; timeouts each node sees by itself).
    if (this.relay && origin !== REMOTE && origin !== AWARENESS_TIMEOUT) {
      for (const { update, linkId, silent: quiet } of this.#byLink(changed)) this.relay.awareness(update, linkId, quiet)
    }
  }
}

/** A sync/update frame around an update. */
function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}
