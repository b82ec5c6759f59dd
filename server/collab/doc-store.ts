import type * as Y from 'yjs'
import type { KeyframeFormat, StoredKeyframe } from './keyframe.js'

/** One accepted Yjs update, as the log keeps it. */
export interface LoggedUpdate {
  roomId: string
  /** The document's key in the log (`docKey`): 'board', 'private', 'board:2', … */
  doc: string
  seq: number
  /** When the server accepted it, epoch ms. */
  at: number
  /** The invite link the update came through: one per person, so it names who wrote it. */
  participantId: string | null
  bytes: Uint8Array
  /**
   * It may be in the log already, written by another node (several nodes, a shared log): a sync
   * step 2 (a client that moved from another node resends what the relay may not have brought
   * here yet) or an update taken over from a node that died (which may have written it first).
   * The shared log stores it only if no row holds its bytes; other logs ignore this.
   */
  resent?: true
  /**
   * Taken over from this node, which stopped confirming that its log holds what it took (dead, or
   * stalled past its key's life): the shared log marks that node (`log_fences`), whose own rows
   * are from then on stored only if no row holds their bytes. Comes with `resent`.
   */
  takenFrom?: string
}

/** The full state of a document right after update `seq`. */
export interface Keyframe {
  roomId: string
  doc: string
  seq: number
  at: Date
  /** The state, encoded as `format` says (`encodeKeyframe`). */
  state: Uint8Array
  format: KeyframeFormat
}

/** A document that can encode its keyframe now (its state and the seq of its last logged update). */
export interface KeyframeSource {
  take(): { roomId: string; doc: string; seq: number; at: Date; ydoc: Y.Doc }
}

/** What a room's document loads from: the latest keyframe and the updates after it. */
export interface StoredDoc {
  keyframe: StoredKeyframe | null
  tail: Uint8Array[]
  lastSeq: number
}

/**
 * Where the Yjs endpoint keeps documents, the way y-websocket has bindState/writeState: the
 * endpoint depends on this interface only, so tests and benchmarks can hand it another store.
 */
export interface DocStore {
  load(roomId: string, doc: string): Promise<StoredDoc>
  /**
   * Queues an update; it is durable once a later `flush()` resolves (and within ~100 ms anyway).
   * The store keeps a copy of what it needs: `update` and its bytes are the caller's again on return.
   */
  append(update: LoggedUpdate): void
  /**
   * Asks for a keyframe of a document. The store takes it (`take()`) when it writes a batch, so
   * it always follows every update queued before it, and it spreads them out: hundreds of rooms
   * reaching their keyframe in the same instant must not stall the event loop together.
   */
  keyframeDue(source: KeyframeSource): void
  /**
   * Resolves once everything queued so far is durable; with `roomId`, once that room's updates
   * are (another room's refused rows never hold it back). Rejects when the database keeps
   * refusing, saying what is not stored.
   */
  flush(roomId?: string): Promise<void>
  /**
   * How far the log is written, without writing anything sooner: `settled` ≥ n means the first n
   * updates of `appended` are stored (or settled for good) once nothing `waiting` apart either.
   */
  progress(): { appended: number; settled: number; waiting: number }
  /** Flushes and stops the background writer. */
  close(): Promise<void>
}
