import { describe, expect, it } from 'vitest'
import type { Rubric } from '../../../../shared/rubric/rubric.js'
import { calibrate, emptyDraft } from '../../../../shared/rubric/scale.js'
import { calibrationTable, levelChip, scoreText } from './scores.js'
import { withStep } from './draft.js'

const STEPS = [
  { key: 'clarify', title: 'Clarify requirements' },
  { key: 'frame', title: 'Frame the problem' },
  { key: 'data', title: 'Data preparation' },
]
const KEYS = STEPS.map((s) => s.key)

function rubric(linkId: string, name: string, scores: Record<string, 1 | 2 | 3 | 4 | 'no_signal'>, recommendation: Rubric['recommendation']): Rubric {
  let draft = emptyDraft(KEYS)
  for (const [k, s] of Object.entries(scores)) draft = withStep(draft, k, { score: s })
  return { ...draft, recommendation, level: 'senior', id: linkId, roomId: 'r', round: 1, linkId, interviewerName: name, status: 'submitted', version: 2, updatedAt: '', submittedAt: '' }
}

describe('calibrationTable', () => {
  const ada = rubric('A', 'Ada', { clarify: 4, frame: 3, data: 'no_signal' }, 'hire')
  const bo = rubric('B', 'Bo', { clarify: 2, frame: 3, data: 1 }, 'lean_no_hire')
  // The server's rows may come in another order than the kit's.
  const rows = calibrate([bo, ada], ['data', 'clarify', 'frame'])

  it("puts this interviewer first and the steps in the kit's order", () => {
    const table = calibrationTable(rows, STEPS, [bo, ada], 'A')
    expect(table.columns.map((c) => [c.name, c.mine])).toEqual([
      ['Ada', true],
      ['Bo', false],
    ])
    expect(table.rows.map((r) => r.title)).toEqual(['Clarify requirements', 'Frame the problem', 'Data preparation'])
    expect(table.rows[0]!.cells).toEqual([4, 2])
  })

  it('flags a spread of 2 or more, leaving "no signal" out of it', () => {
    const table = calibrationTable(rows, STEPS, [ada, bo], 'A')
    expect(table.rows.map((r) => [r.spread, r.wide])).toEqual([
      [2, true],
      [0, false],
      [0, false],
    ])
  })

  it("sets the recommendations side by side, with their spread on the six-point scale", () => {
    const table = calibrationTable(rows, STEPS, [ada, bo], 'B')
    expect(table.recommendations.cells).toEqual(['lean_no_hire', 'hire'])
    expect(table.recommendations).toMatchObject({ spread: 2, wide: true })
    expect(table.levels).toEqual(['senior', 'senior'])
  })
})

describe('scoreText', () => {
  it('labels every score', () => {
    expect(scoreText(3)).toBe('3 · Solid')
    expect(scoreText('no_signal')).toBe('No signal')
    expect(scoreText(null)).toBe('—')
  })
})

describe('levelChip', () => {
  it('says each level once', () => {
    expect(levelChip('mid')).toBe('Mid-level')
    expect(levelChip('senior')).toBe('Senior level')
    expect(levelChip('staff')).toBe('Staff level')
  })
})
