import type { RoundSummary } from '../../../../shared/rooms/room.js'

/** The first question of the bank not asked yet in this room (the server's own default). */
export function nextQuestion<Q extends { id: string }>(bank: readonly Q[], rounds: readonly Pick<RoundSummary, 'questionId'>[]): Q | undefined {
  const used = new Set(rounds.map((r) => r.questionId))
  return bank.find((q) => !used.has(q.id))
}

/** "Round 1 · Visual search", for the round switcher. */
export function roundLabel(round: Pick<RoundSummary, 'round' | 'questionTitle'>): string {
  return `Round ${round.round}${round.questionTitle ? ` · ${round.questionTitle}` : ''}`
}
