import { and, asc, desc, eq, gt, lt, lte, sql } from 'drizzle-orm'
import type { StoredKeyframe } from '../collab/keyframe.js'
import type { Db } from './client.js'
import { yjsKeyframes, yjsUpdates } from './schema.js'

/**
 * What a document was at time `at`: the nearest keyframe at or before it, and the updates after
 * that up to `at`. The first keyframe after `at` bounds the scan from above (a keyframe is taken
 * right after an update, so every update at or before `at` precedes it): a seek reads at most one
 * keyframe interval of the log, however long the session.
 */
export async function docAt(db: Db, roomId: string, doc: string, at: Date): Promise<{ keyframe: StoredKeyframe | null; updates: Uint8Array[]; seq: number }> {
  const ofDoc = and(eq(yjsKeyframes.roomId, roomId), eq(yjsKeyframes.doc, doc))
  const [[frame], [next]] = await Promise.all([
    db.select({ seq: yjsKeyframes.seq, state: yjsKeyframes.state, format: yjsKeyframes.format }).from(yjsKeyframes).where(and(ofDoc, lte(yjsKeyframes.at, at))).orderBy(desc(yjsKeyframes.seq)).limit(1),
    db.select({ seq: yjsKeyframes.seq }).from(yjsKeyframes).where(and(ofDoc, gt(yjsKeyframes.at, at))).orderBy(asc(yjsKeyframes.seq)).limit(1),
  ])
  const fromSeq = frame?.seq ?? 0
  const rows = await db
    .select({ seq: yjsUpdates.seq, bytes: yjsUpdates.bytes })
    .from(yjsUpdates)
    .where(
      and(
        eq(yjsUpdates.roomId, roomId),
        eq(yjsUpdates.doc, doc),
        gt(yjsUpdates.seq, fromSeq),
        ...(next ? [lt(yjsUpdates.seq, next.seq + 1)] : []),
        lte(yjsUpdates.at, at),
      ),
    )
    .orderBy(asc(yjsUpdates.seq))
  return { keyframe: frame ? { state: frame.state, format: frame.format } : null, updates: rows.map((r) => r.bytes), seq: rows.at(-1)?.seq ?? fromSeq }
}

/** Updates after `afterSeq` up to time `until`, in order, at most `limit`: what playing forward applies. */
export async function updatesAfter(db: Db, roomId: string, doc: string, afterSeq: number, until: Date, limit: number) {
  return db
    .select({ seq: yjsUpdates.seq, at: yjsUpdates.at, bytes: yjsUpdates.bytes })
    .from(yjsUpdates)
    .where(and(eq(yjsUpdates.roomId, roomId), eq(yjsUpdates.doc, doc), gt(yjsUpdates.seq, afterSeq), lte(yjsUpdates.at, until)))
    .orderBy(asc(yjsUpdates.seq))
    .limit(limit)
}

/** Updates and bytes per bucket of `bucketMs`, for the activity strip; also the first and last update. */
export async function activity(db: Db, roomId: string, docs: string[], bucketMs: number) {
  if (!Number.isInteger(bucketMs) || bucketMs <= 0) throw new Error('bucketMs must be a positive integer')
  // Inlined (a checked integer): as a bind parameter, GROUP BY would not match the SELECT expression.
  const size = sql.raw(String(bucketMs))
  const bucket = sql<number>`(floor(extract(epoch from ${yjsUpdates.at}) * 1000 / ${size}) * ${size})::float8`
  const rows = await db
    .select({ at: bucket, updates: sql<number>`count(*)::int`, bytes: sql<number>`sum(length(${yjsUpdates.bytes}))::int` })
    .from(yjsUpdates)
    .where(and(eq(yjsUpdates.roomId, roomId), sql`${yjsUpdates.doc} in ${docs}`))
    .groupBy(bucket)
    .orderBy(bucket)
  return rows.map((r) => ({ at: Number(r.at), updates: Number(r.updates), bytes: Number(r.bytes) }))
}
