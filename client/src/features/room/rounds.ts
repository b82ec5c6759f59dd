import type { RoundSummary } from '../../../../shared/rooms/room.js'

/** "Round 1 · Visual search", for the round switcher. */
export function roundLabel(round: Pick<RoundSummary, 'round' | 'questionTitle'>): string {
  return `Round ${round.round}${round.questionTitle ? ` · ${round.questionTitle}` : ''}`
}
