import { describe, expect, it } from 'vitest'
import { nextQuestion } from '../../../../shared/rooms/rounds.js'
import { roundLabel, roundTitle } from './rounds.js'

describe('rounds', () => {
  it('offers the first question of the bank not asked in this room yet', () => {
    const bank = [{ id: 'visual-search' }, { id: 'video-search' }, { id: 'news-feed' }]
    expect(nextQuestion(bank, [{ questionId: 'visual-search' }])?.id).toBe('video-search')
    expect(nextQuestion(bank, [{ questionId: null }])?.id).toBe('visual-search')
    expect(nextQuestion(bank, bank.map((q) => ({ questionId: q.id })))).toBeUndefined()
  })

  it("shows a round under its own question's title unless the room has a title of its own", () => {
    const rounds = [
      { round: 1, questionTitle: 'Visual search' },
      { round: 2, questionTitle: 'News feed' },
      { round: 3, questionTitle: null },
    ]
    expect(roundTitle('Visual search', rounds, 1)).toBe('Visual search')
    expect(roundTitle('Visual search', rounds, 2)).toBe('News feed')
    expect(roundTitle('Visual search', rounds, 3)).toBe('ML system design interview')
    expect(roundTitle('Practice: Ada and Grace', rounds, 2)).toBe('Practice: Ada and Grace')
    expect(roundTitle('ML system design interview', [{ round: 1, questionTitle: null }, { round: 2, questionTitle: 'News feed' }], 2)).toBe('ML system design interview')
  })

  it('labels a round with its question', () => {
    expect(roundLabel({ round: 2, questionTitle: 'News feed' })).toBe('Round 2 · News feed')
    expect(roundLabel({ round: 1, questionTitle: null })).toBe('Round 1')
  })
})
