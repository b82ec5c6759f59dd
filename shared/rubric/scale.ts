import type { Level } from '../kits/kit.js'
import type { CalibrationRow, Rubric, RubricDraft } from './rubric.js'

// The rubric's scales and pure rules, apart from its zod schemas (rubric.ts) so the web client
// can label, check and compare rubrics without shipping zod.

/** Every score in picker order: 1 Missed · 2 Partial · 3 Solid · 4 Exceptional, then "no signal". */
export const SCORES = [1, 2, 3, 4, 'no_signal'] as const
export type Score = (typeof SCORES)[number]

export const SCORE_LABELS: Record<Exclude<Score, 'no_signal'>, string> & { no_signal: string } = {
  1: 'Missed',
  2: 'Partial',
  3: 'Solid',
  4: 'Exceptional',
  no_signal: 'No signal',
}

/** The six-point overall recommendation, from worst to best. */
export const RECOMMENDATIONS = ['strong_no_hire', 'no_hire', 'lean_no_hire', 'lean_hire', 'hire', 'strong_hire'] as const
export type Recommendation = (typeof RECOMMENDATIONS)[number]

export const RECOMMENDATION_LABELS: Record<Recommendation, string> = {
  strong_no_hire: 'Strong no hire',
  no_hire: 'No hire',
  lean_no_hire: 'Lean no hire',
  lean_hire: 'Lean hire',
  hire: 'Hire',
  strong_hire: 'Strong hire',
}

export const LEVEL_LABELS: Record<Level, string> = { mid: 'Mid-level', senior: 'Senior', staff: 'Staff' }
/** The levels, lowest first. */
export const LEVELS = Object.keys(LEVEL_LABELS) as Level[]

/** An empty rubric for a kit's steps. */
export function emptyDraft(stepKeys: readonly string[]): RubricDraft {
  return {
    steps: Object.fromEntries(stepKeys.map((k) => [k, { score: null, evidence: '', links: [] }])),
    recommendation: null,
    level: null,
    feedback: '',
  }
}

/** What is still missing before a rubric can be submitted (empty when it is complete). */
export function missingForSubmit(draft: RubricDraft, stepKeys: readonly string[]): string[] {
  const missing = stepKeys.filter((k) => draft.steps[k]?.score == null).map((k) => `a score for step "${k}"`)
  if (draft.recommendation === null) missing.push('an overall recommendation')
  if (draft.level === null) missing.push('the level demonstrated')
  return missing
}

/** The calibration view of a panel: computed from submitted rubrics only. */
export function calibrate(rubrics: readonly Rubric[], stepKeys: readonly string[]): CalibrationRow[] {
  return stepKeys.map((stepKey) => {
    const scores = rubrics.map((r) => ({ linkId: r.linkId, interviewerName: r.interviewerName, score: r.steps[stepKey]?.score ?? null }))
    const numeric = scores.map((s) => s.score).filter((s): s is 1 | 2 | 3 | 4 => typeof s === 'number')
    return {
      stepKey,
      scores,
      spread: numeric.length > 0 ? Math.max(...numeric) - Math.min(...numeric) : null,
      mean: numeric.length > 0 ? numeric.reduce((a, b) => a + b, 0) / numeric.length : null,
    }
  })
}
