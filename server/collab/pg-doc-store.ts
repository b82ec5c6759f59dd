import { and, desc, eq, gt } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { LogBatch, LogWriter } from '../db/log-writer.js'
import { yjsKeyframes, yjsUpdates } from '../db/schema.js'
import type { Logger } from '../log.js'
import type { DocStore, Keyframe, KeyframeSource, StoredDoc } from './doc-store.js'
import { encodeKeyframe, KEYFRAME_FORMAT } from './keyframe.js'

/** Keyframes encoded per batch at most (a flush runs batches until none are due), so one batch never stalls the event loop encoding hundreds. */
const KEYFRAMES_PER_BATCH = 16
/** How long `flush()` keeps trying a database that refuses writes before it gives up (the updates stay queued). */
const FLUSH_GIVE_UP_MS = 5000
/** Rows per batch, one statement each (a statement costs PGlite ~0.25 ms before its first row back to back, ~1 ms spaced by the interval): bounds a statement's payload when writes fall behind. */
const ROWS_PER_BATCH = 5000

/**
 * The update log in Postgres/PGlite with group commit: updates are encoded into a batch as they
 * arrive, and one writer writes everything queued in one go every `intervalMs`, so a busy server
 * does one round trip per batch rather than one per keystroke. A failed batch stays queued and is
 * retried, in order, before anything newer.
 */
export function createPgDocStore(
  db: Db,
  writer: LogWriter,
  log: Logger,
  /** The group-commit interval: config's FLUSH_INTERVAL_MS. */
  intervalMs: number,
): DocStore {
  /** Batches not yet written, oldest first. */
  let queued: LogBatch[] = []
  /**
   * The batch updates go into: the last of `queued` until a write takes it. A batch a write has
   * taken is never added to again, even when it comes back after a failure (PGlite's is sealed).
   */
  let open: LogBatch | null = null
  /** Updates appended, and updates durable, since the start: in order, so durable ≥ n means the first n are. */
  let appended = 0
  let durable = 0
  // A Set: a document due twice before the next batch is encoded once.
  const due = new Set<KeyframeSource>()
  let timer: NodeJS.Timeout | null = null
  let writing: Promise<void> | null = null
  /** The timer fired while a write was running: what is queued is due as soon as that write ends. */
  let overdue = false
  let failures = 0
  let closed = false

  /** The pause before retrying after `failures` failed writes in a row, up to `capMs`. */
  const backoff = (capMs: number) => Math.min(capMs, intervalMs * 2 ** failures)

  const schedule = (delay = intervalMs) => {
    if (timer || closed) return
    timer = setTimeout(() => {
      timer = null
      if (writing) overdue = true
      void writeBatch().catch(() => {})
    }, delay)
    timer.unref?.()
  }

  const writeBatch = async (): Promise<void> => {
    if (writing) return writing
    if (queued.length === 0 && due.size === 0) return
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
        // One statement a batch, oldest first, each durable on its own.
        while (batches.length > 0) {
          const batch = batches[0]!
          if (batch.rows > 0) await writer.writeUpdates(batch)
          batches.shift()
          durable += batch.rows
        }
        // After the updates they cover. A failure here loses nothing: the documents keyframe again later.
        if (batchKeyframes.length > 0) await writer.writeKeyframes(batchKeyframes)
        failures = 0
      } catch (err) {
        // The batches not written go back in front, in order, so nothing is lost and order is kept.
        queued = batches.concat(queued)
        failures++
        log.error('update log write failed; will retry', { error: String(err), queued: appended - durable, failures })
        throw err
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
        schedule(failures > 0 ? backoff(5000) : now ? 0 : intervalMs)
      }
      overdue = false
    }
  }

  /** Resolves once every update appended before the call is durable and no keyframe is due. */
  const flush = async (): Promise<void> => {
    const goal = appended
    const giveUpAt = Date.now() + FLUSH_GIVE_UP_MS
    while (durable < goal || due.size > 0 || writing) {
      // Nothing left to write (cannot happen while durable < goal, but never spin on it).
      if (!writing && queued.length === 0 && due.size === 0) break
      if (writing) await writing.catch(() => {})
      else
        await writeBatch().catch(async () => {
          if (Date.now() >= giveUpAt) throw new Error('update log unreachable: giving up flush')
          // The writer's own backoff, capped: a database that refuses is not asked ten times a second.
          await new Promise((r) => setTimeout(r, backoff(1000)))
        })
    }
  }

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
    async close() {
      await flush()
      closed = true
      if (timer) clearTimeout(timer)
    },
  }
}
