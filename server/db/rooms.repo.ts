import { and, eq, sql } from 'drizzle-orm'
import { findBuiltInKit, isBuiltInKitId } from '../../shared/kits/index.js'
import type { Kit } from '../../shared/kits/kit.js'
import type { Room } from '../../shared/rooms/room.js'
import type { TimerState } from '../../shared/timer/timer.js'
import type { Db } from './client.js'
import { kits, roomEvents, roomRounds, rooms } from './schema.js'

/** A room as stored, with the kit version it references. */
export type RoomRow = typeof rooms.$inferSelect & { kit: Kit }

export function toRoom(row: RoomRow): Room {
  return {
    id: row.id,
    title: row.title,
    mode: row.mode,
    level: row.level,
    kitId: row.kitId,
    kitVersion: row.kitVersion,
    questionId: row.questionId,
    round: row.round,
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  }
}

/** Stores a room made with `kit` (its id and version; the kit itself stays where it is). */
export async function insertRoom(db: Db, row: Omit<typeof rooms.$inferInsert, 'kitId' | 'kitVersion'>, kit: Kit): Promise<RoomRow> {
  const [created] = await db
    .insert(rooms)
    .values({ ...row, kitId: kit.id, kitVersion: kit.version })
    .returning()
  return { ...created!, kit }
}

/**
 * A room with the kit version it was made with: a built-in one from shared/kits, a custom one
 * from its `kits` row, read in the same query.
 */
export async function getRoom(db: Db, id: string): Promise<RoomRow | undefined> {
  const [row] = await db
    .select({ room: rooms, kit: kits.kit })
    .from(rooms)
    .leftJoin(kits, and(eq(kits.id, rooms.kitId), eq(kits.version, rooms.kitVersion)))
    .where(eq(rooms.id, id))
  if (!row) return undefined
  const kit = isBuiltInKitId(row.room.kitId) ? findBuiltInKit(row.room.kitId, row.room.kitVersion) : row.kit
  // Kit versions are never deleted, and built-in ones stay in the code: this is a broken deployment.
  if (!kit) throw new Error(`room ${id} references kit ${row.room.kitId} v${row.room.kitVersion}, which does not exist`)
  return { ...row.room, kit }
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
  event: { round: number; at: Date; participantId: string | null; payload: unknown },
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
      round: event.round,
      at: event.at,
      type: 'timer',
      participantId: event.participantId,
      payload: event.payload,
    })
    return true
  })
}

/** A round's events of one type (e.g. its timer commands), in order. */
export async function listRoundEvents(db: Db, roomId: string, round: number, type: string) {
  return db
    .select()
    .from(roomEvents)
    .where(and(eq(roomEvents.roomId, roomId), eq(roomEvents.round, round), eq(roomEvents.type, type)))
    .orderBy(roomEvents.seq)
}

/**
 * Moves a room to its next round in one transaction: the finished round keeps its final timer,
 * the room gets a fresh timer and question. Compare-and-set on round and timer version, so two
 * swaps at once make one round. Returns false when the room moved first.
 */
export async function startNextRound(
  db: Db,
  room: RoomRow,
  next: { questionId: string | null; timer: TimerState; at: Date; participantId: string | null },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const round = room.round + 1
    const updated = await tx
      .update(rooms)
      .set({ round, questionId: next.questionId, timer: next.timer, timerVersion: next.timer.version, endedAt: null })
      .where(and(eq(rooms.id, room.id), eq(rooms.round, room.round), eq(rooms.timerVersion, room.timerVersion)))
      .returning({ id: rooms.id })
    if (updated.length === 0) return false
    await tx
      .update(roomRounds)
      .set({ finalTimer: room.timer })
      .where(and(eq(roomRounds.roomId, room.id), eq(roomRounds.round, room.round)))
    await tx.insert(roomRounds).values({ roomId: room.id, round, questionId: next.questionId, startedAt: next.at })
    await tx.insert(roomEvents).values({
      roomId: room.id,
      seq: sql`(select coalesce(max(${roomEvents.seq}), 0) + 1 from ${roomEvents} where ${roomEvents.roomId} = ${room.id})`,
      round,
      at: next.at,
      type: 'round',
      participantId: next.participantId,
      payload: { round, questionId: next.questionId },
    })
    return true
  })
}
