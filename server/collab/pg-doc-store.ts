import { and, desc, eq, gt } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { LogWriter } from '../db/log-writer.js'
import { yjsKeyframes, yjsUpdates } from '../db/schema.js'
import type { Logger } from '../log.js'
import type { DocStore, Keyframe, KeyframeSource, LoggedUpdate, StoredDoc } from './doc-store.js'
import { encodeKeyframe, KEYFRAME_FORMAT } from './keyframe.js'

/** Keyframes encoded per batch at most (a flush runs batches until none are due), so one batch never stalls the event loop encoding hundreds. */
const KEYFRAMES_PER_BATCH = 16

/**
 * The update log in Postgres/PGlite with group commit: updates queue in memory and one writer
 * inserts everything queued in a single transaction every `intervalMs`, so a busy server does one
 * round trip per batch rather than one per keystroke. A failed batch stays queued and is retried.
 */
export function createPgDocStore(
  db: Db,
  writeLog: LogWriter,
  log: Logger,
  opts: { intervalMs?: number } = {},
): DocStore {
  const intervalMs = opts.intervalMs ?? 50
  let updates: LoggedUpdate[] = []
  // A Set: a document due twice before the next batch is encoded once.
  const due = new Set<KeyframeSource>()
  let timer: NodeJS.Timeout | null = null
  let writing: Promise<void> | null = null
  let failures = 0
  let closed = false

  const schedule = (delay = intervalMs) => {
    if (timer || closed) return
    timer = setTimeout(() => {
      timer = null
      void writeBatch().catch(() => {})
    }, delay)
    timer.unref?.()
  }

  const writeBatch = async (): Promise<void> => {
    if (writing) return writing
    if (updates.length === 0 && due.size === 0) return
    const batchUpdates = updates
    updates = []
    // Taken after the updates are grabbed: every update a keyframe covers is in this batch or before.
    const batchKeyframes: Keyframe[] = []
    for (const source of due) {
      if (batchKeyframes.length >= KEYFRAMES_PER_BATCH) break
      due.delete(source)
      const { ydoc, ...at } = source.take()
      batchKeyframes.push({ ...at, state: encodeKeyframe(ydoc), format: KEYFRAME_FORMAT })
    }
    writing = (async () => {
      try {
        await writeLog(batchUpdates, batchKeyframes)
        failures = 0
      } catch (err) {
        // Put the batch back in front, in order, so nothing is lost and order is kept.
        updates = batchUpdates.concat(updates)
        // Encoded keyframes are dropped on failure; their documents simply keyframe again later.
        failures++
        log.error('update log write failed; will retry', { error: String(err), queued: updates.length, failures })
        throw err
      } finally {
        writing = null
      }
    })()
    await writing
    if (updates.length > 0 || due.size > 0) schedule(failures > 0 ? Math.min(5000, intervalMs * 2 ** failures) : intervalMs)
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
      // Updates still queued for this doc (a room unloaded and reloaded within one batch) are
      // part of its state too.
      const queued = updates.filter((u) => u.roomId === roomId && u.doc === doc && u.seq > fromSeq)
      const all = tail.map((r) => r.bytes).concat(queued.map((u) => u.bytes))
      const lastSeq = Math.max(fromSeq, tail.at(-1)?.seq ?? 0, queued.at(-1)?.seq ?? 0)
      return { keyframe: frame ? { state: frame.state, format: frame.format } : null, tail: all, lastSeq }
    },
    append(update) {
      updates.push(update)
      schedule()
    },
    keyframeDue(source) {
      due.add(source)
      schedule()
    },
    async flush() {
      // Loop: a batch may be in flight while more is queued behind it.
      for (let attempt = 0; updates.length > 0 || due.size > 0 || writing; attempt++) {
        if (writing) await writing.catch(() => {})
        else await writeBatch().catch(async () => {
          if (attempt > 50) throw new Error('update log unreachable: giving up flush')
          await new Promise((r) => setTimeout(r, 100))
        })
      }
    },
    async close() {
      await this.flush()
      closed = true
      if (timer) clearTimeout(timer)
    },
  }
}
