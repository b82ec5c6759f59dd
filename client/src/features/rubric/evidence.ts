import { timeOfDay } from '../timer/format.js'
import { clockText } from '../../../../shared/timer/elapsed.js'
import type { EvidenceLink } from './draft.js'

/** An evidence link to a part of the canvas, with its label as it reads now (kept if it is renamed or deleted later). */
export function nodeLink(node: { id: string; label: string }): EvidenceLink {
  return { type: 'node', nodeId: node.id.slice(0, 64), label: node.label.trim().slice(0, 200) }
}

/**
 * An evidence link to this moment of the interview (server time), its current step, and the
 * elapsed interview time then, which the timer knows exactly (a pause before it does not count).
 */
export function momentLink(serverNow: number, stepKey: string, elapsedMs: number): EvidenceLink {
  return { type: 'moment', at: Math.max(0, Math.round(serverNow)), stepKey, elapsedMs: Math.max(0, Math.round(elapsedMs)) }
}

/**
 * When a moment was, for a person: time into the interview ("12:04 in"), on the same clock as the
 * timer, the report and the replay; the time of day for a link that predates it.
 */
export function momentTime(link: { at: number; elapsedMs?: number }): string {
  return link.elapsedMs === undefined ? timeOfDay(link.at) : `${clockText(link.elapsedMs)} in`
}
