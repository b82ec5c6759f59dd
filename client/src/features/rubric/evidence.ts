import { formatClock, timeOfDay } from '../timer/format.js'
import type { EvidenceLink } from './draft.js'

/** An evidence link to a part of the canvas, with its label as it reads now (kept if it is renamed or deleted later). */
export function nodeLink(node: { id: string; label: string }): EvidenceLink {
  return { type: 'node', nodeId: node.id.slice(0, 64), label: node.label.trim().slice(0, 200) }
}

/** An evidence link to this moment of the interview (server time) and its current step. */
export function momentLink(serverNow: number, stepKey: string): EvidenceLink {
  return { type: 'moment', at: Math.max(0, Math.round(serverNow)), stepKey }
}

/**
 * When a moment was, for a person: time into the interview ("12:04 in") once it had started,
 * else the time of day.
 */
export function momentTime(at: number, startedAt: number | null): string {
  if (startedAt !== null && at >= startedAt) return `${formatClock(at - startedAt)} in`
  return timeOfDay(at)
}
