import { and, eq } from 'drizzle-orm'
import type { Rubric } from '../../shared/rubric/rubric.js'
import type { Db } from './client.js'
import { rubrics } from './schema.js'

export type RubricRow = typeof rubrics.$inferSelect

export function toRubric(row: RubricRow): Rubric {
  return {
    ...row.draft,
    id: row.id,
    roomId: row.roomId,
    round: row.round,
    linkId: row.linkId,
    interviewerName: row.interviewerName,
    status: row.status,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
  }
}

export async function listRubrics(db: Db, roomId: string, round: number): Promise<RubricRow[]> {
  return db
    .select()
    .from(rubrics)
    .where(and(eq(rubrics.roomId, roomId), eq(rubrics.round, round)))
    .orderBy(rubrics.updatedAt)
}

export async function getRubric(db: Db, roomId: string, round: number, linkId: string): Promise<RubricRow | undefined> {
  const [row] = await db
    .select()
    .from(rubrics)
    .where(and(eq(rubrics.roomId, roomId), eq(rubrics.round, round), eq(rubrics.linkId, linkId)))
  return row
}

export async function getRubricById(db: Db, id: string): Promise<RubricRow | undefined> {
  const [row] = await db.select().from(rubrics).where(eq(rubrics.id, id))
  return row
}

/** Creates the rubric if it does not exist yet; says whether this call made it (a concurrent create wins quietly). */
export async function ensureRubric(db: Db, row: typeof rubrics.$inferInsert): Promise<{ row: RubricRow; created: boolean }> {
  const [created] = await db.insert(rubrics).values(row).onConflictDoNothing().returning()
  if (created) return { row: created, created: true }
  return { row: (await getRubric(db, row.roomId, row.round, row.linkId))!, created: false }
}

/** Compare-and-set write of a draft rubric; returns the new row, or undefined if the version moved or it is submitted. */
export async function saveRubric(
  db: Db,
  id: string,
  fromVersion: number,
  set: Pick<RubricRow, 'draft' | 'updatedAt'> & Partial<Pick<RubricRow, 'status' | 'submittedAt' | 'interviewerName'>>,
): Promise<RubricRow | undefined> {
  const [row] = await db
    .update(rubrics)
    .set({ ...set, version: fromVersion + 1 })
    .where(and(eq(rubrics.id, id), eq(rubrics.version, fromVersion), eq(rubrics.status, 'draft')))
    .returning()
  return row
}
