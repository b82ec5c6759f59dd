import { AppError } from '../../shared/errors.js'
import type { Role } from '../../shared/rooms/roles.js'
import type { Db } from '../db/client.js'
import { getLink } from '../db/links.repo.js'
import { roomExists } from '../db/rooms.repo.js'
import type { TokenSigner } from './tokens.js'

/** Who is calling, as proven by their token. */
export interface Caller {
  roomId: string
  role: Role
  linkId: string
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
  if (!(await roomExists(db, roomId))) throw new AppError('not_found', 'no such room')
  const link = await getLink(db, claims.linkId)
  if (!link || link.roomId !== roomId || link.role !== claims.role) {
    throw new AppError('unauthorized', 'unknown invite link')
  }
  if (link.revokedAt) throw new AppError('unauthorized', 'this invite link has been revoked')
  return { roomId, role: claims.role, linkId: claims.linkId }
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i)
  return match?.[1]
}
