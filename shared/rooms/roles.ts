import { z } from 'zod'
import type { RoomMode } from '../kits/kit.js'

export const Role = z.enum(['interviewer', 'candidate', 'observer'])
export type Role = z.infer<typeof Role>

/** The shared board (canvas + step notes) and the interviewers' private notes. */
export const DocName = z.enum(['board', 'private'])
export type DocName = z.infer<typeof DocName>

/** Who may do what (DESIGN.md, "Roles and tokens"). The role always comes from a verified token. */
export const can = {
  readDoc: (role: Role, doc: DocName) => doc === 'board' || role === 'interviewer',
  writeDoc: (role: Role, doc: DocName) => (doc === 'board' ? role !== 'observer' : role === 'interviewer'),
  controlTimer: (role: Role) => role === 'interviewer',
  manageLinks: (role: Role) => role === 'interviewer',
  seeHints: (role: Role) => role === 'interviewer',
} as const

/**
 * The role a link plays in a round. In peer practice the two people swap seats every round:
 * the interviewer link answers in even rounds and the candidate link asks. Panels never swap.
 */
export function roleInRound(linkRole: Role, round: number, mode: RoomMode): Role {
  if (mode !== 'peer' || round % 2 === 1 || linkRole === 'observer') return linkRole
  return linkRole === 'interviewer' ? 'candidate' : 'interviewer'
}

/** The most rounds a room can have (a practice pair swaps a few times at most). */
export const MAX_ROUNDS = 12

/** The name of a document in the log: 'board' and 'private' in round 1, 'board:2' etc. after. */
export function docKey(kind: DocName, round: number): string {
  return round === 1 ? kind : `${kind}:${round}`
}

/** The y-websocket room name of a document: `<roomId>`, `<roomId>/private`, `<roomId>/r2`, `<roomId>/r2/private`. */
export function yjsRoomName(roomId: string, kind: DocName, round = 1): string {
  return `${roomId}${round === 1 ? '' : `/r${round}`}${kind === 'private' ? '/private' : ''}`
}

/**
 * The close code of the Yjs sockets of a room when a new round begins: reconnect, and get the
 * rights of the new round. Outside 4400-4499, which a stock y-websocket provider treats as final.
 */
export const NEW_ROUND_CLOSE_CODE = 4500
