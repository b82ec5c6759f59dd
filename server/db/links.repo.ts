import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm'
import type { Db } from './client.js'
import { inviteLinks } from './schema.js'

export type LinkRow = typeof inviteLinks.$inferSelect

export async function insertLinks(db: Db, rows: (typeof inviteLinks.$inferInsert)[]): Promise<LinkRow[]> {
  return db.insert(inviteLinks).values(rows).returning()
}

export async function getLink(db: Db, id: string): Promise<LinkRow | undefined> {
  const [row] = await db.select().from(inviteLinks).where(eq(inviteLinks.id, id))
  return row
}

export async function listLinks(db: Db, roomId: string): Promise<LinkRow[]> {
  return db.select().from(inviteLinks).where(eq(inviteLinks.roomId, roomId)).orderBy(inviteLinks.createdAt, inviteLinks.id)
}

/** Marks a link revoked; returns it, or undefined if it is unknown or was already revoked. */
export async function revokeLink(db: Db, roomId: string, id: string, at: Date): Promise<LinkRow | undefined> {
  const [row] = await db
    .update(inviteLinks)
    .set({ revokedAt: at })
    .where(and(eq(inviteLinks.id, id), eq(inviteLinks.roomId, roomId), isNull(inviteLinks.revokedAt)))
    .returning()
  return row
}

/** Of these links, the ids of those revoked (a node re-checks its open sockets' links after missing revocations). */
export async function revokedAmong(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await db
    .select({ id: inviteLinks.id })
    .from(inviteLinks)
    .where(and(inArray(inviteLinks.id, [...ids]), isNotNull(inviteLinks.revokedAt)))
  return rows.map((r) => r.id)
}
