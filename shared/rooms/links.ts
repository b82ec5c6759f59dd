import { z } from 'zod'
import type { RoomMode } from '../kits/kit.js'
import type { Role } from './roles.js'

/** An invite link as interviewers see it in the room's Invite panel (`GET /api/rooms/:id/links`). */
export interface InviteLink {
  id: string
  role: Role
  label: string | null
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  /** The link to send and its token; absent once revoked. */
  url?: string
  token?: string
  /** The names people joined with through this link, first to last (no name twice). */
  usedBy: string[]
  lastJoinedAt: string | null
  /** When a browser took this link's seat (a panel's interviewer links), or null. */
  claimedAt: string | null
}

/** A random id a browser keeps to tell itself from another browser opening the same link. */
export const DeviceId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'a device id is 16 to 64 letters, digits, - or _')

/** `POST /api/rooms/:id/links/mine/claim`: `force` takes the seat back for this browser ("it is me, on another device"). */
export const SeatClaimInput = z.strictObject({ device: DeviceId, force: z.boolean().optional() })
export type SeatClaimInput = z.infer<typeof SeatClaimInput>

/** The answer: the seat is this browser's, or another browser took it (`since`, as `by`, the last name it joined with). */
export type SeatAnswer = { seat: 'yours' } | { seat: 'taken'; since: string; by: string | null }

/**
 * Whether a link is one person's seat: a hiring panel's interviewer links, each panelist scoring
 * on their own rubric. A candidate's or observer's link, or a peer room's, can be shared freely.
 */
export function isPersonalSeat(mode: RoomMode, linkRole: Role): boolean {
  return mode === 'panel' && linkRole === 'interviewer'
}

/** A hiring panel's observers are silent: their cursors and selections never reach its candidate. */
export function isSilent(mode: RoomMode, role: Role): boolean {
  return mode === 'panel' && role === 'observer'
}

/** Who sees silent people's cursors: everyone but a hiring panel's candidate. */
export function seesSilent(mode: RoomMode, role: Role): boolean {
  return !(mode === 'panel' && role === 'candidate')
}
