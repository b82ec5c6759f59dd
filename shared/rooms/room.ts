import { z } from 'zod'
import { Kit, Level, RoomMode, StepKey } from '../kits/kit.js'
import type { Question } from '../questions/question.js'
import { safeText } from '../text.js'
import type { TimerState } from '../timer/timer.js'
import type { Role } from './roles.js'

/** Body of `POST /api/rooms`: every field optional, `{}` makes a room with the built-in kit. */
export const CreateRoomInput = z.strictObject({
  kitId: safeText().min(1).max(64).optional(),
  questionId: safeText().min(1).max(64).optional(),
  level: Level.optional(),
  title: safeText().trim().min(1).max(120).optional(),
  mode: RoomMode.optional(),
})
export type CreateRoomInput = z.infer<typeof CreateRoomInput>

export interface Room {
  id: string
  title: string
  mode: RoomMode
  level: Level
  kitId: string
  kitVersion: number
  /** The question of the current round. */
  questionId: string | null
  /** The current round (1, then 2, 3… after each peer swap). */
  round: number
  createdAt: string
  /** When the current round's interview ended (timer ended), if it has. */
  endedAt: string | null
}

/** A round as everyone in the room may see it: no rubric content, only whether feedback is out. */
export interface RoundSummary {
  round: number
  questionId: string | null
  questionTitle: string | null
  startedAt: string
  /** Whether the round is over (its interview ended, or a later round began). */
  ended: boolean
  feedbackShared: boolean
  /** A past round's timer as it stood when the next round began (time per step); null for the current round. */
  timer: TimerState | null
}

/** Body of `POST /api/rooms/:id/rounds` (swap roles): the new round's question. */
export const NewRoundInput = z.strictObject({ questionId: safeText().min(1).max(64).optional() })

/** A kit step as a role may see it: hints and rubric anchors are for interviewers only. */
export interface StepView {
  key: z.infer<typeof StepKey>
  title: string
  minutes: number
  prompts: string[]
  hints?: string[]
  anchors?: Kit['steps'][number]['anchors']
}
export interface KitView extends Omit<Kit, 'steps'> {
  steps: StepView[]
}
export type QuestionView = Omit<Question, 'hints'> & { hints?: Question['hints'] }

/** Strips what only interviewers may see from a kit. */
export function kitFor(role: Role, kit: Kit): KitView {
  if (role === 'interviewer') return kit
  return { ...kit, steps: kit.steps.map(({ hints: _h, anchors: _a, ...step }) => step) }
}

/** Strips the interviewer's hints from a question. */
export function questionFor(role: Role, question: Question): QuestionView {
  if (role === 'interviewer') return question
  const { hints: _h, ...rest } = question
  return rest
}

/**
 * A display colour per participant: white text on it (the avatar chips, cursor name tags) has a
 * contrast of at least 4.5:1 (WCAG AA), and it reads on white and dark backgrounds alike.
 */
export const PARTICIPANT_COLORS = [
  '#2563eb', '#be185d', '#047857', '#b45309', '#7c3aed', '#dc2626', '#0e7490', '#4d7c0f',
] as const

/** The colour for the n-th person in a room. */
export function colorFor(index: number): string {
  return PARTICIPANT_COLORS[((index % PARTICIPANT_COLORS.length) + PARTICIPANT_COLORS.length) % PARTICIPANT_COLORS.length]!
}
