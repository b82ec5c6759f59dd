import type { Level, RoomMode } from '../kits/kit.js'
import type { CalibrationRow, Rubric, SharedFeedback } from '../rubric/rubric.js'

/** One step of a report: plan against time used, and what was written. */
export interface ReportStep {
  key: string
  title: string
  plannedMs: number
  usedMs: number
  notes: string
  /** The interviewer's private notes; only in an interviewer's report. */
  privateNotes?: string
}

/** `GET /api/rooms/:id/report`: a round of an interview as the caller may see it. */
export interface Report {
  room: { id: string; title: string; level: Level; mode: RoomMode }
  round: number
  question: { id: string; title: string; prompt: string } | null
  kit: { id: string; version: number; title: string }
  timer: { status: string; startedAt: number | null; endedAt: number | null; totalPlannedMs: number; totalUsedMs: number }
  steps: ReportStep[]
  canvas: { svg: string; nodes: number; edges: number }
  /** Interviewers: their own rubric and, once submitted, the panel's. Candidates: the feedback shared with them. */
  rubrics:
    | { view: 'interviewer'; mine: Rubric | null; others: Rubric[]; calibration: CalibrationRow[] | null }
    | { view: 'candidate'; feedback: SharedFeedback | null }
  generatedAt: number
}
