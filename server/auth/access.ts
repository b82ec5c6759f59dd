import { eq } from 'drizzle-orm'
import { AppError } from '../../shared/errors.js'
import type { RoomMode } from '../../shared/kits/kit.js'
import { type Role, roleInRound } from '../../shared/rooms/roles.js'
import type { Db } from '../db/client.js'
import { getLink } from '../db/links.repo.js'
import { rooms } from '../db/schema.js'
import type { TokenSigner } from './tokens.js'

/** Who is calling, as proven by their token, and what they are in the room's current round. */
export interface Caller {
  roomId: string
  linkId: string
  /** The role written in the token. */
  linkRole: Role
  /** The role the link plays in the current round (peers swap seats in even rounds). */
  role: Role
  round: number
  mode: RoomMode
}

/**
 * Turns a raw token into a caller of `roomId`: signature and expiry (401), the right room (403),
 * the room exists (404), the link is not revoked (401). The role comes from the token only.
 */
export async function authenticate(
  db: Db,
  tokens: TokenSigner,
  token: string | undefined | null,
  roomId: string,
  now: number,
): Promise<Caller> {
  if (!token) throw new AppError('unauthorized', 'an invite token is required')
  const claims = tokens.verify(token, now)
  if (claims.roomId !== roomId) throw new AppError('forbidden', 'this invite link is for another room')
  const [room] = await db.select({ round: rooms.round, mode: rooms.mode }).from(rooms).where(eq(rooms.id, roomId))
  if (!room) throw new AppError('not_found', 'no such room')
  const link = await getLink(db, claims.linkId)
  if (!link || link.roomId !== roomId || link.role !== claims.role) {
    throw new AppError('unauthorized', 'unknown invite link')
  }
  if (link.revokedAt) throw new AppError('unauthorized', 'this invite link has been revoked')
  return {
    roomId,
    linkId: claims.linkId,
    linkRole: claims.role,
    role: roleInRound(claims.role, room.round, room.mode),
    round: room.round,
    mode: room.mode,
  }
}

/** The caller's role in another round of the same room. */
export function roleOf(caller: Caller, round: number): Role {
  return roleInRound(caller.linkRole, round, caller.mode)
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i)
  return match?.[1]
}
