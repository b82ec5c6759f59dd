import type { RoundSummary } from '../../../../shared/rooms/room.js'

/** "Round 1 · Visual search", for the round switcher. */
export function roundLabel(round: Pick<RoundSummary, 'round' | 'questionTitle'>): string {
  return `Round ${round.round}${round.questionTitle ? ` · ${round.questionTitle}` : ''}`
}

/**
 * The title a round is shown under. A title of the room's own choosing stays; one taken from
 * round 1's question (the default) follows each round's question, so a swap to a new question
 * never keeps the old one in the header and the tab.
 */
export function roundTitle(roomTitle: string, rounds: readonly Pick<RoundSummary, 'round' | 'questionTitle'>[], round: number): string {
  const first = rounds.find((r) => r.round === 1)
  const shown = rounds.find((r) => r.round === round)
  if (!first?.questionTitle || roomTitle !== first.questionTitle || !shown || shown.round === 1) return roomTitle
  return shown.questionTitle ?? 'ML system design interview'
}
