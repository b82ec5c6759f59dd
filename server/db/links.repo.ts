import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm'
import type { Db } from './client.js'
import { inviteLinks, participants } from './schema.js'

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

/**
 * Gives a link's seat to a browser (`device`): if no browser has it, or this one does, or `force`.
 * Returns whether it is this browser's now, and since when another one holds it when not.
 */
export async function claimLink(db: Db, roomId: string, linkId: string, device: string, force: boolean, at: Date): Promise<{ claimed: true } | { claimed: false; since: Date }> {
  const [row] = await db
    .update(inviteLinks)
    .set({ claimedBy: device, claimedAt: at })
    .where(and(eq(inviteLinks.id, linkId), eq(inviteLinks.roomId, roomId), force ? undefined : isNull(inviteLinks.claimedBy)))
    .returning({ id: inviteLinks.id })
  if (row) return { claimed: true }
  // Held already: by this browser (its seat since it first came), or by another.
  const link = await getLink(db, linkId)
  if (!link?.claimedBy || link.claimedBy === device) return { claimed: true }
  return { claimed: false, since: link.claimedAt ?? at }
}

/** Who joined through each link of a room: their names, first to last, and the latest join. */
export async function usageByLink(db: Db, roomId: string): Promise<Map<string, { names: string[]; lastJoinedAt: Date }>> {
  const rows = await db
    .select({ linkId: participants.linkId, name: participants.name, joinedAt: participants.joinedAt })
    .from(participants)
    .where(eq(participants.roomId, roomId))
    .orderBy(participants.joinedAt)
  const usage = new Map<string, { names: string[]; lastJoinedAt: Date }>()
  for (const r of rows) {
    const u = usage.get(r.linkId)
    if (!u) usage.set(r.linkId, { names: [r.name], lastJoinedAt: r.joinedAt })
    else {
      if (!u.names.includes(r.name)) u.names.push(r.name)
      u.lastJoinedAt = r.joinedAt
    }
  }
  return usage
}
