import { describe, expect, it } from 'vitest'
import { nextQuestion } from '../../../../shared/rooms/rounds.js'
import { roundLabel } from './rounds.js'

describe('rounds', () => {
  it('offers the first question of the bank not asked in this room yet', () => {
    const bank = [{ id: 'visual-search' }, { id: 'video-search' }, { id: 'news-feed' }]
    expect(nextQuestion(bank, [{ questionId: 'visual-search' }])?.id).toBe('video-search')
    expect(nextQuestion(bank, [{ questionId: null }])?.id).toBe('visual-search')
    expect(nextQuestion(bank, bank.map((q) => ({ questionId: q.id })))).toBeUndefined()
  })

  it('labels a round with its question', () => {
    expect(roundLabel({ round: 2, questionTitle: 'News feed' })).toBe('Round 2 · News feed')
    expect(roundLabel({ round: 1, questionTitle: null })).toBe('Round 1')
  })
})
