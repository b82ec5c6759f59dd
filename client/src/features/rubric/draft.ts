import type { EvidenceLink, RubricDraft, StepScore } from '../../../../shared/rubric/rubric.js'
import { emptyDraft } from '../../../../shared/rubric/scale.js'

export type { EvidenceLink, RubricDraft, StepScore }

const emptyStep = (): StepScore => ({ score: null, evidence: '', links: [] })

/**
 * A draft with exactly the kit's steps: missing ones empty, unknown ones dropped (the server
 * refuses unknown keys). Key order follows the kit, though nothing should rely on key order:
 * the database's jsonb reorders keys, so display always walks the kit's steps.
 */
export function fitToKit(draft: RubricDraft, stepKeys: readonly string[]): RubricDraft {
  return {
    steps: Object.fromEntries(stepKeys.map((k) => [k, { ...emptyStep(), ...draft.steps[k] }])),
    recommendation: draft.recommendation ?? null,
    level: draft.level ?? null,
    feedback: draft.feedback ?? '',
  }
}

/** Just the editable part of a rubric (what a save sends). */
export function draftOf(rubric: RubricDraft, stepKeys: readonly string[]): RubricDraft {
  return fitToKit({ steps: rubric.steps, recommendation: rubric.recommendation, level: rubric.level, feedback: rubric.feedback }, stepKeys)
}

const sameLinks = (a: readonly EvidenceLink[], b: readonly EvidenceLink[]) => JSON.stringify(a) === JSON.stringify(b)

function sameStep(a: StepScore | undefined, b: StepScore | undefined): boolean {
  const x = a ?? emptyStep()
  const y = b ?? emptyStep()
  return x.score === y.score && x.evidence === y.evidence && sameLinks(x.links, y.links)
}

/** Whether two drafts say the same thing, whatever their keys' order. */
export function sameDraft(a: RubricDraft, b: RubricDraft): boolean {
  if (a.recommendation !== b.recommendation || a.level !== b.level || a.feedback !== b.feedback) return false
  const keys = new Set([...Object.keys(a.steps), ...Object.keys(b.steps)])
  for (const k of keys) if (!sameStep(a.steps[k], b.steps[k])) return false
  return true
}

/**
 * Three-way merge, field by field: what this client changed since `base` (the last copy the
 * server confirmed) wins; everything else takes the server's newer `remote`. Used when a save
 * meets a newer version (another tab) and when a reload finds unsaved edits on this device.
 */
export function mergeDrafts(base: RubricDraft, local: RubricDraft, remote: RubricDraft, stepKeys: readonly string[]): RubricDraft {
  const pick = <T>(b: T, l: T, r: T, same: (x: T, y: T) => boolean = Object.is): T => (same(l, b) ? r : l)
  const steps: Record<string, StepScore> = {}
  for (const key of stepKeys) {
    const b = base.steps[key] ?? emptyStep()
    const l = local.steps[key] ?? emptyStep()
    const r = remote.steps[key] ?? emptyStep()
    steps[key] = {
      score: pick(b.score, l.score, r.score),
      evidence: pick(b.evidence, l.evidence, r.evidence),
      links: pick(b.links, l.links, r.links, sameLinks),
    }
  }
  return {
    steps,
    recommendation: pick(base.recommendation, local.recommendation, remote.recommendation),
    level: pick(base.level, local.level, remote.level),
    feedback: pick(base.feedback, local.feedback, remote.feedback),
  }
}

/** The draft with one step changed. */
export function withStep(draft: RubricDraft, key: string, change: Partial<StepScore>): RubricDraft {
  return { ...draft, steps: { ...draft.steps, [key]: { ...emptyStep(), ...draft.steps[key], ...change } } }
}

/** How many of the kit's steps have a score (no signal counts: it is a decision). */
export function scoredCount(draft: RubricDraft, stepKeys: readonly string[]): number {
  return stepKeys.filter((k) => draft.steps[k]?.score != null).length
}

/**
 * The server's list of what a submit still misses, in words for a person: step keys become
 * the steps' titles.
 */
export function describeMissing(missing: readonly string[], steps: readonly { key: string; title: string }[]): string[] {
  const titles = new Map(steps.map((s) => [s.key, s.title]))
  return missing.map((m) => m.replace(/^a score for step "([^"]+)"$/, (_all, key: string) => `a score for “${titles.get(key) ?? key}”`))
}

export { emptyDraft }
