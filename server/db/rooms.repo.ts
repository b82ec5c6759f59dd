import { and, eq, sql } from 'drizzle-orm'
import type { Room } from '../../shared/rooms/room.js'
import type { TimerState } from '../../shared/timer/timer.js'
import type { Db } from './client.js'
import { roomEvents, rooms } from './schema.js'

export type RoomRow = typeof rooms.$inferSelect

export function toRoom(row: RoomRow): Room {
  return {
    id: row.id,
    title: row.title,
    mode: row.mode,
    level: row.level,
    kitId: row.kitId,
    kitVersion: row.kit.version,
    questionId: row.questionId,
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  }
}

export async function insertRoom(db: Db, row: typeof rooms.$inferInsert): Promise<RoomRow> {
  const [created] = await db.insert(rooms).values(row).returning()
  return created!
}

export async function getRoom(db: Db, id: string): Promise<RoomRow | undefined> {
  const [row] = await db.select().from(rooms).where(eq(rooms.id, id))
  return row
}

export async function roomExists(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, id))
  return row !== undefined
}

/**
 * Compare-and-set of the timer: writes `next` only if the stored version is still `fromVersion`,
 * and records the command as a room event in the same transaction. Returns false when another
 * command got there first.
 */
export async function saveTimer(
  db: Db,
  roomId: string,
  fromVersion: number,
  next: TimerState,
  event: { at: Date; participantId: string | null; payload: unknown },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(rooms)
      .set({
        timer: next,
        timerVersion: next.version,
        ...(next.status === 'ended' && next.endedAt !== null ? { endedAt: new Date(next.endedAt) } : {}),
      })
      .where(and(eq(rooms.id, roomId), eq(rooms.timerVersion, fromVersion)))
      .returning({ id: rooms.id })
    if (updated.length === 0) return false
    await tx.insert(roomEvents).values({
      roomId,
      seq: sql`(select coalesce(max(${roomEvents.seq}), 0) + 1 from ${roomEvents} where ${roomEvents.roomId} = ${roomId})`,
      at: event.at,
      type: 'timer',
      participantId: event.participantId,
      payload: event.payload,
    })
    return true
  })
}

export async function listRoomEvents(db: Db, roomId: string) {
  return db.select().from(roomEvents).where(eq(roomEvents.roomId, roomId)).orderBy(roomEvents.seq)
}

