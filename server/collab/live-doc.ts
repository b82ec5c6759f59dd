import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { AppError } from '../../shared/errors.js'
import type { DocStore } from './doc-store.js'
import { applyStored, type StoredKeyframe } from './keyframe.js'

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
  /** Awareness client ids this socket has announced, removed when it closes. */
  readonly awarenessIds: Set<number>
}

/**
 * A document held in memory while anyone has it open: the Y.Doc, its awareness, its sockets, and
 * the sequence number of the next update to log.
 */
export class LiveDoc {
  readonly ydoc = new Y.Doc({ gc: true })
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc)
  readonly conns = new Set<DocConnection>()
  #seq: number
  #sinceKeyframe = 0
  #destroyed = false
  /** Set by the afterTransaction hook: did the last applied update change anything? */
  #changed = false

  constructor(
    readonly roomId: string,
    /** The document's key in the log (`docKey`). */
    readonly name: string,
    lastSeq: number,
    private readonly store: DocStore,
    private readonly keyframeEvery: number,
    private readonly clock: () => number,
  ) {
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
  }

  /** Sends sync step 1 and the current awareness to a socket that just joined. */
  greet(conn: DocConnection): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(encoder, this.ydoc)
    conn.send(encoding.toUint8Array(encoder))
    const states = this.awareness.getStates()
    if (states.size > 0) {
      conn.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])))
    }
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
          // A plain update message is forwarded as it came; a step 2 is re-framed as an update.
          this.#apply(conn, update, sub === syncProtocol.messageYjsUpdate ? message : null)
        } else {
          throw new AppError('invalid', `unknown sync message ${sub}`)
        }
        break
      }
      case MESSAGE_AWARENESS: {
        const update = decoding.readVarUint8Array(decoder)
        checkAwarenessUpdate(update)
        awarenessProtocol.applyAwarenessUpdate(this.awareness, update, conn)
        break
      }
      case MESSAGE_QUERY_AWARENESS: {
        const states = this.awareness.getStates()
        conn.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])))
        break
      }
      default:
        throw new AppError('invalid', `unknown message type ${type}`)
    }
  }

  /**
   * The hot path. The update is checked, applied, then logged and relayed as the bytes that came
   * in: no re-encoding (the reference server re-encodes every update through Yjs' 'update'
   * event, ~4 µs each), no echo to the sender, and nothing at all for an update that changes
   * nothing (a duplicate). An update Yjs cannot integrate yet (its dependencies are missing) is
   * kept as pending by Yjs and still relayed and logged, so every client and the replay get it.
   */
  #apply(conn: DocConnection, update: Uint8Array, message: Uint8Array | null): void {
    // Decoding the whole update first is the scratch-doc check: a malformed update throws here,
    // before any of it reaches the live document or the log.
    try {
      Y.decodeUpdate(update)
    } catch {
      throw new AppError('invalid', 'update does not decode')
    }
    const store = this.ydoc.store
    const pending = [store.pendingStructs, store.pendingDs]
    this.#changed = false
    try {
      Y.applyUpdate(this.ydoc, update, conn)
    } catch {
      throw new AppError('invalid', 'update does not apply')
    }
    if (!this.#changed && store.pendingStructs === pending[0] && store.pendingDs === pending[1]) return
    this.#record(update, conn)
    const relay = message ?? updateMessage(update)
    for (const other of this.conns) if (other !== conn) other.send(relay)
  }

  /** Appends an accepted update to the log, with a keyframe every `keyframeEvery` updates. */
  #record(update: Uint8Array, from: DocConnection): void {
    const seq = ++this.#seq
    this.store.append({ roomId: this.roomId, doc: this.name, seq, at: this.clock(), participantId: from.linkId, bytes: update })
    if (++this.#sinceKeyframe >= this.keyframeEvery) {
      this.#sinceKeyframe = 0
      this.store.keyframeDue(this.#keyframes)
    }
  }

  /** Removes a socket and the awareness states it announced. */
  leave(conn: DocConnection): void {
    if (!this.conns.delete(conn)) return
    if (conn.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null)
    }
  }

  get destroyed(): boolean {
    return this.#destroyed
  }

  destroy(): void {
    this.#destroyed = true
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

  #onAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (isConnection(origin)) {
      for (const id of added) origin.awarenessIds.add(id)
      for (const id of removed) origin.awarenessIds.delete(id)
    }
    const changed = added.concat(updated, removed)
    const message = awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    for (const conn of this.conns) conn.send(message)
  }
}

/**
 * Decodes a whole awareness update without applying it. `applyAwarenessUpdate` stores states entry
 * by entry and reports them only at the end, so a broken entry after a good one would leave a
 * state that no socket owns: its close would not clear it, and newcomers would be greeted with it
 * until the 30 s awareness timeout. Refuse the message before any of it applies.
 */
function checkAwarenessUpdate(update: Uint8Array): void {
  try {
    const decoder = decoding.createDecoder(update)
    const entries = decoding.readVarUint(decoder)
    for (let i = 0; i < entries; i++) {
      decoding.readVarUint(decoder) // client id
      decoding.readVarUint(decoder) // clock
      JSON.parse(decoding.readVarString(decoder))
    }
  } catch {
    throw new AppError('invalid', 'awareness update does not decode')
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

function isConnection(origin: unknown): origin is DocConnection {
  return typeof origin === 'object' && origin !== null && 'awarenessIds' in origin && 'send' in origin
}
