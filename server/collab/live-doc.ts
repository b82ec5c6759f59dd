import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { AppError } from '../../shared/errors.js'
import type { DocStore } from './doc-store.js'
import { applyStored, encodeKeyframe, type StoredKeyframe } from './keyframe.js'

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
    this.ydoc.on('update', this.#onUpdate)
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
          this.#apply(conn, update)
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

  #apply(conn: DocConnection, update: Uint8Array): void {
    // Decoding the whole update first is the scratch-doc check: a malformed update throws here,
    // before any of it reaches the live document or the log.
    try {
      Y.decodeUpdate(update)
    } catch {
      throw new AppError('invalid', 'update does not decode')
    }
    try {
      Y.applyUpdate(this.ydoc, update, conn)
    } catch {
      throw new AppError('invalid', 'update does not apply')
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
    this.ydoc.off('update', this.#onUpdate)
    this.awareness.off('update', this.#onAwareness)
    this.awareness.destroy()
    this.ydoc.destroy()
  }

  #onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === 'restore') return
    const from = isConnection(origin) ? origin : null
    const seq = ++this.#seq
    const at = new Date(this.clock())
    this.store.append({ roomId: this.roomId, doc: this.name, seq, at, participantId: from?.linkId ?? null, bytes: update })
    if (++this.#sinceKeyframe >= this.keyframeEvery) {
      this.#sinceKeyframe = 0
      this.store.keyframe({ roomId: this.roomId, doc: this.name, seq, at, state: encodeKeyframe(this.ydoc) })
    }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeUpdate(encoder, update)
    const message = encoding.toUint8Array(encoder)
    // The sender already has its own edit: no echo.
    for (const conn of this.conns) if (conn !== from) conn.send(message)
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

function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

function isConnection(origin: unknown): origin is DocConnection {
  return typeof origin === 'object' && origin !== null && 'awarenessIds' in origin && 'send' in origin
}
