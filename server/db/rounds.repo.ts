import { and, eq } from 'drizzle-orm'
import type { Db } from './client.js'
import { roomRounds } from './schema.js'

export type RoundRow = typeof roomRounds.$inferSelect

export async function insertRound(db: Db, row: typeof roomRounds.$inferInsert): Promise<void> {
  await db.insert(roomRounds).values(row)
}

export async function listRounds(db: Db, roomId: string): Promise<RoundRow[]> {
  return db.select().from(roomRounds).where(eq(roomRounds.roomId, roomId)).orderBy(roomRounds.round)
}

export async function getRound(db: Db, roomId: string, round: number): Promise<RoundRow | undefined> {
  const [row] = await db.select().from(roomRounds).where(and(eq(roomRounds.roomId, roomId), eq(roomRounds.round, round)))
  return row
}

export async function updateRound(db: Db, roomId: string, round: number, set: Partial<typeof roomRounds.$inferInsert>): Promise<void> {
  await db.update(roomRounds).set(set).where(and(eq(roomRounds.roomId, roomId), eq(roomRounds.round, round)))
}
