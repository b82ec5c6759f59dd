import type { RoomMode } from '../kits/kit.js'
import type { Role } from './roles.js'

// Rounds and their documents, apart from the roles' zod schemas so the web client can follow a
// swap without shipping zod.

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
export function docKey(kind: 'board' | 'private', round: number): string {
  return round === 1 ? kind : `${kind}:${round}`
}

/** The y-websocket room name of a document: `<roomId>`, `<roomId>/private`, `<roomId>/r2`, `<roomId>/r2/private`. */
export function yjsRoomName(roomId: string, kind: 'board' | 'private', round = 1): string {
  return `${roomId}${round === 1 ? '' : `/r${round}`}${kind === 'private' ? '/private' : ''}`
}

/**
 * The close code of the Yjs sockets of a room when a new round begins: reconnect, and get the
 * rights of the new round. Outside 4400-4499, which a stock y-websocket provider treats as final.
 */
export const NEW_ROUND_CLOSE_CODE = 4500

/** The first question of the bank not asked yet in this room: the next round's default. */
export function nextQuestion<Q extends { id: string }>(bank: readonly Q[], rounds: readonly { questionId: string | null }[]): Q | undefined {
  const used = new Set(rounds.map((r) => r.questionId))
  return bank.find((q) => !used.has(q.id))
}
