import { and, asc, desc, eq, gt, gte, lte } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { dbCause, isConnectionError, isConstraintViolation, sqlState } from '../db/db-errors.js'
import type { LogBatch, LogWriter } from '../db/log-writer.js'
import { yjsKeyframes, yjsUpdates } from '../db/schema.js'
import type { Logger } from '../log.js'
import type { DocStore, Keyframe, KeyframeSource, LoggedUpdate, StoredDoc } from './doc-store.js'
import { encodeKeyframe, KEYFRAME_FORMAT } from './keyframe.js'
import { LogKeyframes } from './log-keyframes.js'

/** Keyframes encoded per batch at most (a flush runs batches until none are due), so one batch never stalls the event loop encoding hundreds. */
const KEYFRAMES_PER_BATCH = 16
/** How long `flush()` keeps trying a database that refuses writes before it gives up (the updates stay queued). */
const FLUSH_GIVE_UP_MS = 5000
/** Rows per batch, one statement each (a statement costs PGlite ~0.25 ms before its first row back to back, ~1 ms spaced by the interval): bounds a statement's payload when writes fall behind. */
const ROWS_PER_BATCH = 5000
/** The longest pause between two tries of a refused write. */
const MAX_BACKOFF_MS = 5000
/** Distinct failure causes logged per scope until it works again; more are only counted. */
const MAX_CAUSES_LOGGED = 5
/** SQLSTATE unique_violation: on the log, rows with a (room_id, doc, seq) already stored. */
const UNIQUE_VIOLATION = '23505'

/**
 * A room whose rows the database refused: its rows wait here, in order, with their own backoff,
 * so that no other room's wait for them. It stays apart until one of its writes succeeds.
 */
interface RoomQueue {
  /** Oldest first. A batch a write has taken is never added to again (PGlite's is sealed). */
  batches: LogBatch[]
  /** The batch the room's new updates go into: the last of `batches` until a write takes it. */
  open: LogBatch | null
  rows: number
  failures: number
  retryAt: number
}

/**
 * The update log in Postgres/PGlite with group commit: updates are encoded into a batch as they
 * arrive, and one writer writes everything queued in one go every `intervalMs`, so a busy server
 * does one round trip per batch rather than one per keystroke.
 *
 * A batch fails either because the database cannot be reached (a connection error): then it stays
 * queued and is retried whole, in order, before anything newer, at a growing pause. Or because it
 * refused the rows (a constraint, a trigger, …): one room's rows may be the cause, so the batch is
 * split and each room's rows are written on their own; a room whose rows are refused waits apart
 * (RoomQueue), and everyone else's rows go on being written. A constraint violation is never
 * retried as it is: rows already stored are skipped, rows a constraint refuses are dropped, and
 * both are logged with their counts. Each distinct cause is logged once, not at every retry.
 */
export function createPgDocStore(
  db: Db,
  writer: LogWriter,
  log: Logger,
  /** The group-commit interval: config's FLUSH_INTERVAL_MS. */
  intervalMs: number,
  /** Rows of a document between two keyframes, when the log is shared (`writer.allocatesSeq`). */
  keyframeEvery = 300,
): DocStore {
  // A shared log's keyframes are built from the log (a node's memory cannot name their seq).
  const logKeyframes = writer.allocatesSeq ? new LogKeyframes(db, writer, log, keyframeEvery) : null
  /** Writes one batch; a shared log's writer says which seqs it gave, for its keyframes. */
  const writeUpdates = async (batch: LogBatch): Promise<void> => {
    const written = await writer.writeUpdates(batch)
    if (written && logKeyframes) logKeyframes.written(written)
  }
  /** Batches not yet written, oldest first. */
  let queued: LogBatch[] = []
  /**
   * The batch updates go into: the last of `queued` until a write takes it. A batch a write has
   * taken is never added to again, even when it comes back after a failure (PGlite's is sealed).
   */
  let open: LogBatch | null = null
  /** Updates that went into `queued`, and those that left it (written, or moved to a RoomQueue): in order, so settled ≥ n means the first n did. */
  let appended = 0
  let settled = 0
  /** Rooms whose rows the database refused, each with its own queue; and the rows in them. */
  const apart = new Map<string, RoomQueue>()
  let rowsApart = 0
  // A Set: a document due twice before the next batch is encoded once.
  const due = new Set<KeyframeSource>()
  let timer: NodeJS.Timeout | null = null
  let writing: Promise<void> | null = null
  /** The timer fired while a write was running: what is queued is due as soon as that write ends. */
  let overdue = false
  /** Failed writes in a row of the shared queue (connection errors). */
  let failures = 0
  let closed = false

  /**
   * The causes logged for each scope ('log', 'keyframes', 'room <id>') since it last worked, with
   * what happened since: a failure is logged when its cause is new to the scope, once more when the
   * scope works again, and silently counted in between (a node once wrote 175 MB of identical
   * retry lines in 97 minutes). A few distinct causes at most: a trigger's message could name
   * each row.
   */
  const reported = new Map<string, { causes: Set<string>; failures: number; dropped: number }>()
  const report = (scope: string, msg: string, err: unknown, fields: Record<string, unknown>, dropped = 0) => {
    const cause = dbCause(err)
    const key = `${cause.code}:${cause.message}`
    let seen = reported.get(scope)
    if (!seen) reported.set(scope, (seen = { causes: new Set(), failures: 0, dropped: 0 }))
    seen.failures++
    seen.dropped += dropped
    if (seen.causes.has(key) || seen.causes.size >= MAX_CAUSES_LOGGED) return
    seen.causes.add(key)
    log.error(msg, { ...fields, ...cause })
  }
  const recovered = (scope: string, fields: Record<string, unknown> = {}) => {
    const seen = reported.get(scope)
    if (!seen) return
    reported.delete(scope)
    log.warn('update log writes again', { scope, ...fields, failures: seen.failures, ...(seen.dropped ? { dropped: seen.dropped } : {}) })
  }

  /** The pause before retrying after `n` failed writes in a row, up to `capMs`. */
  const backoff = (capMs: number, n = failures) => Math.min(capMs, intervalMs * 2 ** n)

  const schedule = (delay = intervalMs) => {
    if (timer || closed) return
    timer = setTimeout(() => {
      timer = null
      if (writing) overdue = true
      void writeBatch().catch(() => {})
    }, delay)
    timer.unref?.()
  }

  /** How long until the first room apart is due to be tried again (null when none waits). */
  const untilApartDue = (): number | null => {
    let first: number | null = null
    for (const q of apart.values()) if (q.rows > 0 && (first === null || q.retryAt < first)) first = q.retryAt
    return first === null ? null : Math.max(0, first - Date.now())
  }

  const addApart = (q: RoomQueue, update: LoggedUpdate) => {
    if (!q.open || q.open.rows >= ROWS_PER_BATCH) q.batches.push((q.open = writer.newBatch()))
    q.open.add(update)
    q.rows++
    rowsApart++
  }

  /** The room's own queue, made empty if it has none: from now on its updates go there. */
  const keepApart = (roomId: string): RoomQueue => {
    let q = apart.get(roomId)
    if (!q) apart.set(roomId, (q = { batches: [], open: null, rows: 0, failures: 0, retryAt: 0 }))
    return q
  }

  /** Moves `batch` (rows of `roomId` only) to the room's own queue, behind what it already holds. */
  const setApart = (roomId: string, batch: LogBatch): RoomQueue => {
    const q = keepApart(roomId)
    // Behind the room's open batch: that one is sealed now, and its new updates start another.
    q.batches.push(batch)
    q.open = null
    q.rows += batch.rows
    rowsApart += batch.rows
    return q
  }

  const seqRange = (rows: readonly LoggedUpdate[]) => {
    const byDoc: Record<string, [number, number]> = {}
    for (const r of rows) {
      const range = (byDoc[r.doc] ??= [r.seq, r.seq])
      range[0] = Math.min(range[0], r.seq)
      range[1] = Math.max(range[1], r.seq)
    }
    return Object.entries(byDoc).map(([doc, [from, to]]) => `${doc}:${from}-${to}`).join(',')
  }

  /**
   * A room's rows refused by a constraint: never retried as they are. Rows already stored under
   * their (room, doc, seq) are skipped: with the same bytes they are ours (a write whose commit
   * went unanswered, retried), and nothing is lost; with other bytes they are another writer's,
   * and ours stay out of the log (not out of the document or its clients), loudly. Rows another
   * constraint refuses are dropped, loudly. Returns whether the room's rows are all stored now.
   * Throws only what is worth retrying (the connection, a refusal that is not a constraint).
   */
  const settleRefused = async (roomId: string, batch: LogBatch, err: unknown): Promise<boolean> => {
    const rows = writer.rowsOf(batch)
    const scope = `room ${roomId}`
    // A shared log's seqs are the database's: a row can never meet one already stored under its seq.
    if (sqlState(err) !== UNIQUE_VIOLATION || writer.allocatesSeq) return drop(scope, roomId, rows, err)
    let written: Array<{ doc: string; seq: number }>
    try {
      written = await db
        .insert(yjsUpdates)
        .values(rows.map((r) => ({ roomId: r.roomId, doc: r.doc, seq: r.seq, at: new Date(r.at), participantId: r.participantId, bytes: r.bytes })))
        .onConflictDoNothing()
        .returning({ doc: yjsUpdates.doc, seq: yjsUpdates.seq })
    } catch (again) {
      if (!isConstraintViolation(again)) throw again
      return drop(scope, roomId, rows, again)
    }
    const inserted = new Set(written.map((w) => `${w.doc}\n${w.seq}`))
    const present = rows.filter((r) => !inserted.has(`${r.doc}\n${r.seq}`))
    const other = await differingFromStored(roomId, present)
    if (other.length === 0) {
      // Harmless, and rare (it takes a commit whose answer was lost): a line, not an alarm.
      log.warn('update log: rows already stored were skipped (a write whose commit went unanswered was retried)', {
        room: roomId,
        rows: rows.length,
        written: written.length,
        alreadyStored: present.length,
      })
      return true
    }
    const fields = { room: roomId, rows: rows.length, written: written.length, alreadyStored: present.length - other.length, conflicting: other.length, seqs: seqRange(other) }
    report(scope, "update log: a room's rows conflict with other rows stored under the same seq (another writer?); ours are not logged, the document and its clients keep them", err, fields, other.length)
    return false
  }

  const drop = (scope: string, roomId: string, rows: readonly LoggedUpdate[], err: unknown): false => {
    const fields = { room: roomId, rows: rows.length, seqs: seqRange(rows) }
    report(scope, "update log: the database refused a room's rows for good (a constraint); they are not logged, the document and its clients keep them", err, fields, rows.length)
    return false
  }

  /** Of `rows` whose (doc, seq) is already stored, those stored with other bytes. */
  const differingFromStored = async (roomId: string, rows: readonly LoggedUpdate[]): Promise<LoggedUpdate[]> => {
    const differing: LoggedUpdate[] = []
    const byDoc = new Map<string, LoggedUpdate[]>()
    for (const r of rows) {
      const ours = byDoc.get(r.doc)
      if (ours) ours.push(r)
      else byDoc.set(r.doc, [r])
    }
    for (const [doc, ours] of byDoc) {
      let from = ours[0]!.seq
      let to = from
      for (const r of ours) {
        if (r.seq < from) from = r.seq
        if (r.seq > to) to = r.seq
      }
      const stored = await db
        .select({ seq: yjsUpdates.seq, bytes: yjsUpdates.bytes })
        .from(yjsUpdates)
        .where(and(eq(yjsUpdates.roomId, roomId), eq(yjsUpdates.doc, doc), gte(yjsUpdates.seq, from), lte(yjsUpdates.seq, to)))
        .orderBy(asc(yjsUpdates.seq))
      const bySeq = new Map(stored.map((row) => [row.seq, row.bytes]))
      for (const r of ours) if (!sameBytes(bySeq.get(r.seq), r.bytes)) differing.push(r)
    }
    return differing
  }

  /**
   * Writes one room's batch on its own. 'stored': every row is in the log. 'settled': a constraint
   * refused some (skipped or dropped, logged): the batch is done, but the room stays apart, so its
   * next rows are tried on their own too, at its pause, not in everyone's batch. 'wait': not written
   * (the room's queue keeps it for a retry at a growing pause).
   */
  const writeRoomBatch = async (roomId: string, batch: LogBatch, q: RoomQueue | undefined): Promise<'stored' | 'settled' | 'wait'> => {
    try {
      try {
        await writeUpdates(batch)
        return 'stored'
      } catch (err) {
        if (!isConstraintViolation(err)) throw err
        if (await settleRefused(roomId, batch, err)) return 'stored'
        const queue = q ?? keepApart(roomId)
        queue.failures++
        queue.retryAt = Date.now() + backoff(MAX_BACKOFF_MS, queue.failures)
        return 'settled'
      }
    } catch (err) {
      const queue = q ?? setApart(roomId, batch)
      queue.failures++
      queue.retryAt = Date.now() + backoff(MAX_BACKOFF_MS, queue.failures)
      report(`room ${roomId}`, "update log: the database refused a room's rows; they wait apart and are retried, other rooms' rows are written meanwhile", err, {
        room: roomId,
        waiting: queue.rows,
        failures: queue.failures,
      })
      return 'wait'
    }
  }

  /** A batch of several rooms the database refused (not the connection): each room's rows go on their own. */
  const writeEachRoom = async (batch: LogBatch): Promise<void> => {
    const byRoom = new Map<string, LoggedUpdate[]>()
    for (const r of writer.rowsOf(batch)) {
      const rows = byRoom.get(r.roomId)
      if (rows) rows.push(r)
      else byRoom.set(r.roomId, [r])
    }
    for (const [roomId, rows] of byRoom) {
      // One room only: the batch as it is, not a copy.
      let own = batch
      if (byRoom.size > 1) {
        own = writer.newBatch()
        for (const r of rows) own.add(r)
      }
      const q = apart.get(roomId)
      // Set apart meanwhile (by an earlier batch): behind the rows it already has, tried at its time.
      if (q) setApart(roomId, own)
      else await writeRoomBatch(roomId, own, undefined)
    }
  }

  /**
   * Tries again the rooms apart whose pause is over, each on its own; `force` tries one room (its
   * id) or every room (true) before its pause is over.
   */
  const writeApart = async (force: Force): Promise<void> => {
    const now = Date.now()
    for (const [roomId, q] of apart) {
      if (force !== true && force !== roomId && q.retryAt > now) continue
      let outcome: 'stored' | 'settled' | 'wait' = 'stored'
      while (q.batches.length > 0) {
        const batch = q.batches[0]!
        if (q.open === batch) q.open = null
        const result = await writeRoomBatch(roomId, batch, q)
        if (result === 'wait') {
          outcome = 'wait'
          break
        }
        if (result === 'settled') outcome = 'settled'
        q.batches.shift()
        q.rows -= batch.rows
        rowsApart -= batch.rows
      }
      // Everything written cleanly: the room's updates join everyone else's again.
      if (outcome === 'stored' && q.batches.length === 0) {
        apart.delete(roomId)
        recovered(`room ${roomId}`, { room: roomId })
      }
    }
  }

  const writeBatch = async (force: Force = false): Promise<void> => {
    if (writing) return writing
    const apartDue = untilApartDue()
    const forced = force === true ? rowsApart > 0 : force !== false && (apart.get(force)?.rows ?? 0) > 0
    if (queued.length === 0 && due.size === 0 && (apartDue === null || (apartDue > 0 && !forced))) {
      if (apartDue !== null) schedule(apartDue)
      return
    }
    const batches = queued
    queued = []
    open = null
    // Taken after the updates are grabbed: every update a keyframe covers is in this batch or before.
    const batchKeyframes: Keyframe[] = []
    for (const source of due) {
      if (batchKeyframes.length >= KEYFRAMES_PER_BATCH) break
      due.delete(source)
      try {
        const { ydoc, ...at } = source.take()
        batchKeyframes.push({ ...at, state: encodeKeyframe(ydoc), format: KEYFRAME_FORMAT })
      } catch (err) {
        // A keyframe only saves work on load: skip it, never the updates.
        log.error('keyframe encoding failed; skipped', { error: String(err) })
      }
    }
    writing = (async () => {
      try {
        try {
          // One statement a batch, oldest first, each durable on its own.
          while (batches.length > 0) {
            const batch = batches[0]!
            if (batch.rows > 0) {
              try {
                await writeUpdates(batch)
              } catch (err) {
                // The database is out of reach: everything waits, in order (splitting would only
                // multiply the statements that fail).
                if (isConnectionError(err)) throw err
                await writeEachRoom(batch)
              }
            }
            batches.shift()
            settled += batch.rows
          }
          if (failures > 0) recovered('log')
          failures = 0
        } catch (err) {
          // The batches not written go back in front, in order, so nothing is lost and order is kept.
          queued = batches.concat(queued)
          failures++
          report('log', 'update log write failed; will retry', err, { queued: appended - settled + rowsApart, failures })
          throw err
        }
        // Only once the shared queue went through (if it could not, neither would these).
        await writeApart(force)
        // After the updates they cover. A failure here loses nothing: the documents keyframe again later.
        if (batchKeyframes.length > 0) {
          try {
            await writer.writeKeyframes(batchKeyframes)
            recovered('keyframes')
          } catch (err) {
            report('keyframes', 'keyframe write failed; skipped', err, { keyframes: batchKeyframes.length })
          }
        }
      } finally {
        writing = null
      }
    })()
    try {
      await writing
    } finally {
      // Whatever is left (a failed batch too, with a growing pause) is written later without waiting
      // for another append; at once if its time came during this write (a write slower than the
      // interval must not add a whole interval to the next batch's wait).
      if (queued.length > 0 || due.size > 0) {
        const now = overdue && failures === 0
        if (now && timer) {
          clearTimeout(timer)
          timer = null
        }
        schedule(failures > 0 ? backoff(MAX_BACKOFF_MS) : now ? 0 : intervalMs)
      } else {
        const apartDue = untilApartDue()
        if (apartDue !== null) schedule(apartDue)
      }
      overdue = false
    }
  }

  /**
   * Resolves once every update appended before the call is durable (or settled): every room's and
   * no keyframe due, or only `roomId`'s (a room apart then waits for nobody's rows but its own).
   * Rejects after FLUSH_GIVE_UP_MS of refused writes, naming what is not stored.
   */
  const flush = async (roomId?: string): Promise<void> => {
    const goal = appended
    const giveUpAt = Date.now() + FLUSH_GIVE_UP_MS
    // Rows set apart after the call count too: a flush cannot tell them from older ones.
    const waitingApart = () => (roomId === undefined ? rowsApart : (apart.get(roomId)?.rows ?? 0))
    const done = () => settled >= goal && waitingApart() === 0 && (roomId !== undefined || due.size === 0)
    for (;;) {
      if (writing) {
        await writing.catch(() => {})
        continue
      }
      if (done()) return
      // Nothing left to write (cannot happen while settled < goal, but never spin on it).
      if (queued.length === 0 && due.size === 0 && rowsApart === 0) return
      let cause: unknown = null
      await writeBatch(roomId ?? true).catch((err: unknown) => (cause = err))
      if (done()) return
      if (Date.now() >= giveUpAt) throw notStored(roomId, cause)
      // The writer's own backoff, capped: a database that refuses is not asked ten times a second.
      let n = failures
      for (const [id, q] of apart) if (roomId === undefined || id === roomId) n = Math.max(n, q.failures)
      await new Promise((r) => setTimeout(r, backoff(1000, n)))
    }
  }

  /** What a flush that gave up says: how many updates are not stored, and whose. */
  const notStored = (roomId: string | undefined, cause: unknown): Error => {
    const rooms = [...apart].filter(([id, q]) => q.rows > 0 && (roomId === undefined || id === roomId)).map(([id]) => id)
    const shared = appended - settled
    const parts = [
      ...(shared > 0 ? [`${shared} updates wait for the database (${cause === null ? 'still writing' : dbCause(cause).message})`] : []),
      ...(rooms.length > 0 ? [`${waitingApartOf(rooms)} updates of ${rooms.length === 1 ? `room ${rooms[0]}` : `rooms ${rooms.join(', ')}`} are refused by the database`] : []),
    ]
    return new Error(`update log: gave up flushing after ${FLUSH_GIVE_UP_MS / 1000} s: ${parts.join('; ') || 'a keyframe could not be written'}`)
  }
  const waitingApartOf = (rooms: readonly string[]) => rooms.reduce((n, id) => n + (apart.get(id)?.rows ?? 0), 0)

  return {
    async load(roomId: string, doc: string): Promise<StoredDoc> {
      const [frame] = await db
        .select({ seq: yjsKeyframes.seq, state: yjsKeyframes.state, format: yjsKeyframes.format })
        .from(yjsKeyframes)
        .where(and(eq(yjsKeyframes.roomId, roomId), eq(yjsKeyframes.doc, doc)))
        .orderBy(desc(yjsKeyframes.seq))
        .limit(1)
      const fromSeq = frame?.seq ?? 0
      const tail = await db
        .select({ seq: yjsUpdates.seq, bytes: yjsUpdates.bytes })
        .from(yjsUpdates)
        .where(and(eq(yjsUpdates.roomId, roomId), eq(yjsUpdates.doc, doc), gt(yjsUpdates.seq, fromSeq)))
        .orderBy(yjsUpdates.seq)
      const lastSeq = Math.max(fromSeq, tail.at(-1)?.seq ?? 0)
      return { keyframe: frame ? { state: frame.state, format: frame.format } : null, tail: tail.map((r) => r.bytes), lastSeq }
    },
    append(update) {
      // A room whose rows the database refused keeps its updates apart until it writes again.
      if (apart.size !== 0) {
        const q = apart.get(update.roomId)
        if (q) {
          addApart(q, update)
          schedule()
          return
        }
      }
      if (!open || open.rows >= ROWS_PER_BATCH) queued.push((open = writer.newBatch()))
      open.add(update)
      appended++
      schedule()
    },
    keyframeDue(source) {
      due.add(source)
      schedule()
    },
    flush,
    progress: () => ({ appended, settled, waiting: rowsApart }),
    async close() {
      try {
        await flush()
        await logKeyframes?.idle()
      } finally {
        // Stopped even when the flush gave up: the database is closed next.
        closed = true
        if (timer) clearTimeout(timer)
        timer = null
      }
    },
  }
}

/** Which rooms apart a write tries before their pause is over: none, one (its id), or all. */
type Force = boolean | string

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}
