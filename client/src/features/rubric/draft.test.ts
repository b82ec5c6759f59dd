import { describe, expect, it } from 'vitest'
import { describeMissing, emptyDraft, fitToKit, mergeDrafts, type RubricDraft, sameDraft, scoredCount, withStep } from './draft.js'

const KEYS = ['clarify', 'frame', 'data']

describe('fitToKit', () => {
  it("has exactly the kit's steps in the kit's order, whatever order the server's keys come in", () => {
    const fromServer: RubricDraft = {
      // jsonb orders keys by length, then bytes: not the kit's order.
      steps: { data: { score: 2, evidence: 'd', links: [] }, frame: { score: 3, evidence: '', links: [] }, culture: { score: 4, evidence: '', links: [] } },
      recommendation: 'hire',
      level: 'senior',
      feedback: 'ok',
    }
    const fitted = fitToKit(fromServer, KEYS)
    expect(Object.keys(fitted.steps)).toEqual(KEYS)
    expect(fitted.steps.clarify).toEqual({ score: null, evidence: '', links: [] })
    expect(fitted.steps.data).toEqual({ score: 2, evidence: 'd', links: [] })
    expect(fitted).toMatchObject({ recommendation: 'hire', level: 'senior', feedback: 'ok' })
  })
})

describe('sameDraft', () => {
  it('ignores key order and treats a missing step as an empty one', () => {
    const a = withStep(emptyDraft(KEYS), 'frame', { score: 3 })
    const b: RubricDraft = { ...a, steps: { frame: { score: 3, evidence: '', links: [] }, data: { score: null, evidence: '', links: [] } } }
    expect(sameDraft(a, b)).toBe(true)
    expect(sameDraft(a, withStep(a, 'data', { evidence: 'x' }))).toBe(false)
    expect(sameDraft(a, { ...a, feedback: 'x' })).toBe(false)
  })
})

describe('mergeDrafts', () => {
  const base = withStep(withStep(emptyDraft(KEYS), 'clarify', { score: 2, evidence: 'asked about scale' }), 'frame', { score: 3 })

  it("keeps this client's edits and takes the server's changes everywhere else", () => {
    const local = { ...withStep(base, 'clarify', { evidence: 'asked about scale and latency' }), feedback: 'local feedback' }
    const remote = { ...withStep(withStep(base, 'frame', { score: 4 }), 'data', { score: 1 }), recommendation: 'lean_hire' as const }
    const merged = mergeDrafts(base, local, remote, KEYS)
    expect(merged.steps.clarify).toEqual({ score: 2, evidence: 'asked about scale and latency', links: [] })
    expect(merged.steps.frame!.score).toBe(4)
    expect(merged.steps.data!.score).toBe(1)
    expect(merged.feedback).toBe('local feedback')
    expect(merged.recommendation).toBe('lean_hire')
  })

  it('lets this client win a field both changed', () => {
    const local = withStep(base, 'frame', { score: 1 })
    const remote = withStep(base, 'frame', { score: 4 })
    expect(mergeDrafts(base, local, remote, KEYS).steps.frame!.score).toBe(1)
  })

  it('compares links by value: an unchanged list takes the remote one', () => {
    const link = { type: 'node' as const, nodeId: 'n1', label: 'Ranker' }
    const withLink = withStep(base, 'data', { links: [link] })
    const remote = withStep(withLink, 'data', { links: [link, { type: 'moment', at: 5, stepKey: 'data' }] })
    const local = structuredClone(withLink)
    expect(mergeDrafts(withLink, local, remote, KEYS).steps.data!.links).toHaveLength(2)
  })

  it('is the local draft when the server did not change, and the remote one when nothing was edited here', () => {
    const local = withStep(base, 'data', { score: 'no_signal' })
    expect(sameDraft(mergeDrafts(base, local, base, KEYS), local)).toBe(true)
    const remote = withStep(base, 'data', { score: 4 })
    expect(sameDraft(mergeDrafts(base, base, remote, KEYS), remote)).toBe(true)
  })
})

describe('scoredCount and describeMissing', () => {
  it('counts "no signal" as a decision', () => {
    const d = withStep(withStep(emptyDraft(KEYS), 'clarify', { score: 'no_signal' }), 'data', { score: 4 })
    expect(scoredCount(d, KEYS)).toBe(2)
  })

  it("names steps by title in the server's list of what is missing", () => {
    const steps = [{ key: 'clarify', title: 'Clarify requirements' }]
    expect(describeMissing(['a score for step "clarify"', 'a score for step "mystery"', 'an overall recommendation'], steps)).toEqual([
      'a score for “Clarify requirements”',
      'a score for “mystery”',
      'an overall recommendation',
    ])
  })
})
