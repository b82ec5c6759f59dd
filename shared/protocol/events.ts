import { z } from 'zod'
import type { ErrorCode } from '../errors.js'
import type { Room } from '../rooms/room.js'
import type { Role } from '../rooms/roles.js'
import { storableText } from '../text.js'
import { TimerCommand, type TimerState } from '../timer/timer.js'

/** What a socket.io client sends in `auth` when it connects. */
export const SocketAuth = z.object({
  token: z.string().min(1).max(2000),
  // A display name, chosen when joining: a refused connection would read as a bad invite link, so
  // what the database cannot store is replaced (U+FFFD) and shown, never refused.
  name: z.string().trim().max(40).transform(storableText).optional(),
})

export interface Participant {
  id: string
  name: string
  role: Role
  color: string
  joinedAt: string
}

export interface RoomStatePayload {
  room: Room
  participants: Participant[]
  timer: TimerState
  serverNow: number
  /** The receiving socket's own participant entry. */
  you: Participant
}
export interface PresencePayload {
  participants: Participant[]
}
export interface TimerPayload {
  timer: TimerState
  serverNow: number
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: ErrorCode | 'internal'; message: string } }

export interface ServerToClient {
  'room:state': (payload: RoomStatePayload) => void
  presence: (payload: PresencePayload) => void
  timer: (payload: TimerPayload) => void
  /** This socket's invite link was revoked; the server disconnects it right after. */
  revoked: (payload: { message: string }) => void
  /** To the interviewers of a round only: who has submitted a rubric (never its content). */
  rubrics: (payload: RubricsStatusPayload) => void
  /** Feedback of a round was shared with its candidate (no rubric content: fetch it over HTTP). */
  feedback: (payload: { round: number; sharedAt: string }) => void
}

export interface RubricsStatusPayload {
  round: number
  panel: { linkId: string; name: string; status: 'none' | 'draft' | 'submitted' }[]
}

export interface ClientToServer {
  'timer:command': (command: z.input<typeof TimerCommand>, ack?: (reply: Ack<{ timer: TimerState }>) => void) => void
  /** A clock probe: the ack carries the server's time, for measuring the offset by round trip (shared/timer/clock-sync.ts). */
  'clock:sync': (ack: (reply: { serverNow: number }) => void) => void
}

export { TimerCommand }
