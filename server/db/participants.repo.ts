import { eq } from 'drizzle-orm'
import type { Db } from './client.js'
import { participants } from './schema.js'

export type ParticipantRow = typeof participants.$inferSelect

export async function insertParticipant(db: Db, row: typeof participants.$inferInsert): Promise<ParticipantRow> {
  const [created] = await db.insert(participants).values(row).returning()
  return created!
}

export async function markLeft(db: Db, id: string, at: Date): Promise<void> {
  await db.update(participants).set({ leftAt: at }).where(eq(participants.id, id))
}

export async function listParticipants(db: Db, roomId: string): Promise<ParticipantRow[]> {
  return db.select().from(participants).where(eq(participants.roomId, roomId)).orderBy(participants.joinedAt)
}

/** The latest display name used through each invite link of a room. */
export async function namesByLink(db: Db, roomId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ linkId: participants.linkId, name: participants.name })
    .from(participants)
    .where(eq(participants.roomId, roomId))
    .orderBy(participants.joinedAt)
  return new Map(rows.map((r) => [r.linkId, r.name]))
}
