import { z } from 'zod'
import { Level, StepKey } from '../kits/kit.js'
import { safeText } from '../text.js'
import { RECOMMENDATIONS, SCORES } from './scale.js'

// Labels, scales and the pure rules live in scale.ts (no zod, for the web client); re-exported here.
export { calibrate, emptyDraft, LEVEL_LABELS, missingForSubmit, RECOMMENDATION_LABELS, RECOMMENDATIONS, SCORE_LABELS, SCORES } from './scale.js'

/** 1 Missed · 2 Partial · 3 Solid · 4 Exceptional, or 'no_signal' when the step was not reached. */
export const Score = z.literal(SCORES)
export type Score = z.infer<typeof Score>

export const Recommendation = z.enum(RECOMMENDATIONS)
export type Recommendation = z.infer<typeof Recommendation>

const MAX_EVIDENCE = 5000
const MAX_FEEDBACK = 20_000

/** What an evidence entry points at: a canvas node, or a moment of the interview. */
export const EvidenceLink = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('node'), nodeId: safeText().min(1).max(64), label: safeText().max(200).default('') }),
  z.strictObject({
    type: z.literal('moment'),
    /** Server time (ms since epoch) of the moment. */
    at: z.number().int().nonnegative(),
    /** Elapsed interview time then (shared/timer/elapsed.ts: pauses do not count); absent in links made before it was kept. */
    elapsedMs: z.number().int().nonnegative().max(7 * 24 * 3600_000).optional(),
    stepKey: StepKey,
  }),
])
export type EvidenceLink = z.infer<typeof EvidenceLink>

export const StepScore = z.strictObject({
  /** null while the interviewer has not scored the step yet. */
  score: Score.nullable().default(null),
  evidence: safeText().max(MAX_EVIDENCE).default(''),
  links: z.array(EvidenceLink).max(20).default([]),
})
export type StepScore = z.infer<typeof StepScore>

/** The editable part of a rubric. A save sends all of it: fields left out are saved empty. */
export const RubricDraft = z.strictObject({
  steps: z.record(StepKey, StepScore).default({}),
  recommendation: Recommendation.nullable().default(null),
  level: Level.nullable().default(null),
  feedback: safeText().max(MAX_FEEDBACK).default(''),
})
export type RubricDraft = z.infer<typeof RubricDraft>

export const RubricStatus = z.enum(['draft', 'submitted'])
export type RubricStatus = z.infer<typeof RubricStatus>

export interface Rubric extends RubricDraft {
  id: string
  roomId: string
  round: number
  /** The interviewer's invite link: one rubric per interviewer per round. */
  linkId: string
  interviewerName: string
  status: RubricStatus
  version: number
  updatedAt: string
  submittedAt: string | null
}

/**
 * Checks a draft against the room's kit: every step key, and the step of every evidence moment,
 * must be one of the kit's. Returns the draft with every kit step present (missing ones empty),
 * or the unknown keys.
 */
export function fitDraftToKit(draft: RubricDraft, stepKeys: readonly string[]): { ok: true; draft: RubricDraft } | { ok: false; unknown: string[] } {
  const known = new Set(stepKeys)
  const momentSteps = Object.values(draft.steps).flatMap((s) => s.links.flatMap((l) => (l.type === 'moment' ? [l.stepKey] : [])))
  const unknown = [...new Set([...Object.keys(draft.steps), ...momentSteps])].filter((k) => !known.has(k))
  if (unknown.length > 0) return { ok: false, unknown }
  const steps = Object.fromEntries(stepKeys.map((k) => [k, draft.steps[k] ?? { score: null, evidence: '', links: [] }]))
  return { ok: true, draft: { ...draft, steps } }
}

/** Per step: every submitted score side by side, and their spread (max − min of numeric scores). */
export interface CalibrationRow {
  stepKey: string
  scores: { linkId: string; interviewerName: string; score: Score | null }[]
  spread: number | null
  mean: number | null
}

/** The part of a rubric a candidate receives once the interviewer shares it: no evidence, no private notes. */
export interface SharedFeedback {
  round: number
  interviewerName: string
  steps: Record<string, { score: Score | null }>
  recommendation: Recommendation | null
  level: Level | null
  feedback: string
  sharedAt: string
}

export function shareableFeedback(rubric: Rubric, sharedAt: string): SharedFeedback {
  return {
    round: rubric.round,
    interviewerName: rubric.interviewerName,
    steps: Object.fromEntries(Object.entries(rubric.steps).map(([k, s]) => [k, { score: s.score }])),
    recommendation: rubric.recommendation,
    level: rubric.level,
    feedback: rubric.feedback,
    sharedAt,
  }
}
