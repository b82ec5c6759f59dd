import type { Level } from '../../../../shared/kits/kit.js'
import type { CalibrationRow, Recommendation, Rubric, Score } from '../../../../shared/rubric/rubric.js'
import { LEVEL_LABELS, RECOMMENDATION_LABELS, RECOMMENDATIONS, SCORE_LABELS } from '../../../../shared/rubric/scale.js'

/** "3 · Solid", "No signal", or "—" when there is no score. */
export function scoreText(score: Score | null | undefined): string {
  if (score == null) return '—'
  if (score === 'no_signal') return SCORE_LABELS.no_signal
  return `${score} · ${SCORE_LABELS[score]}`
}

export function recommendationText(r: Recommendation | null | undefined): string {
  return r ? RECOMMENDATION_LABELS[r] : '—'
}

export function levelText(l: Level | null | undefined): string {
  return l ? LEVEL_LABELS[l] : '—'
}

const LEVEL_CHIPS: Record<Level, string> = { mid: 'Mid-level', senior: 'Senior level', staff: 'Staff level' }

/** The level as a room's chip says it: "Staff level", and "Mid-level" rather than "Mid-level level". */
export function levelChip(l: Level): string {
  return LEVEL_CHIPS[l]
}

/** A spread this large (e.g. a 2 beside a 4) is worth talking about before deciding. */
export const WIDE_SPREAD = 2

interface CalibrationTable {
  columns: { linkId: string; name: string; mine: boolean }[]
  rows: { stepKey: string; title: string; cells: (Score | null)[]; spread: number | null; mean: number | null; wide: boolean }[]
  recommendations: { cells: (Recommendation | null)[]; spread: number | null; wide: boolean }
  levels: (Level | null)[]
}

/**
 * The calibration view as a table: one column per interviewer (this one first), one row per
 * step in the kit's order, the spread of each row, and the recommendations and levels side by
 * side. The recommendation's spread is counted in steps of the six-point scale.
 */
export function calibrationTable(
  rows: readonly CalibrationRow[],
  steps: readonly { key: string; title: string }[],
  rubrics: readonly Rubric[],
  myLinkId: string | undefined,
): CalibrationTable {
  const ids = [...new Set([...rubrics.map((r) => r.linkId), ...rows.flatMap((r) => r.scores.map((s) => s.linkId))])]
  ids.sort((a, b) => Number(b === myLinkId) - Number(a === myLinkId))
  const nameOf = (id: string) =>
    rubrics.find((r) => r.linkId === id)?.interviewerName ?? rows.flatMap((r) => r.scores).find((s) => s.linkId === id)?.interviewerName ?? 'Interviewer'
  const columns = ids.map((linkId) => ({ linkId, name: nameOf(linkId), mine: linkId === myLinkId }))
  const byKey = new Map(rows.map((r) => [r.stepKey, r]))
  const tableRows = steps.map((step) => {
    const row = byKey.get(step.key)
    const cells = ids.map((id) => row?.scores.find((s) => s.linkId === id)?.score ?? null)
    const spread = row?.spread ?? null
    return { stepKey: step.key, title: step.title, cells, spread, mean: row?.mean ?? null, wide: spread !== null && spread >= WIDE_SPREAD }
  })
  const recs = ids.map((id) => rubrics.find((r) => r.linkId === id)?.recommendation ?? null)
  const positions = recs.filter((r): r is Recommendation => r !== null).map((r) => RECOMMENDATIONS.indexOf(r))
  const recSpread = positions.length > 0 ? Math.max(...positions) - Math.min(...positions) : null
  return {
    columns,
    rows: tableRows,
    recommendations: { cells: recs, spread: recSpread, wide: recSpread !== null && recSpread >= WIDE_SPREAD },
    levels: ids.map((id) => rubrics.find((r) => r.linkId === id)?.level ?? null),
  }
}
