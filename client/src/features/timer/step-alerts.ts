import type { TimerStatus } from '../../../../shared/timer/timer.js'
import type { TimerView } from '../../../../shared/timer/view.js'
import { stepFace } from './format.js'

/** The warning before a step's time runs out (steps longer than this only). */
export const WARN_BEFORE_MS = 2 * 60_000

export type StepAlert = { kind: 'soon' | 'up'; stepIndex: number }
type Reading = Pick<TimerView, 'stepIndex' | 'stepRemainingMs' | 'stepUsedMs'> & { status: TimerStatus }

/**
 * The alerts a running step crossed between two readings of the clock: two minutes left, and time
 * up. Never across a step change, a pause or an extension (time going back up), and never for
 * what was already past when the page opened (its first reading has nothing before it).
 */
export function crossedAlerts(prev: Reading | null, next: Reading): StepAlert[] {
  if (!prev || next.status !== 'running' || prev.stepIndex !== next.stepIndex) return []
  const planned = next.stepUsedMs + next.stepRemainingMs
  const alerts: StepAlert[] = []
  if (planned > WARN_BEFORE_MS && prev.stepRemainingMs > WARN_BEFORE_MS && next.stepRemainingMs <= WARN_BEFORE_MS && next.stepRemainingMs > 0) {
    alerts.push({ kind: 'soon', stepIndex: next.stepIndex })
  }
  if (prev.stepRemainingMs > 0 && next.stepRemainingMs <= 0) alerts.push({ kind: 'up', stepIndex: next.stepIndex })
  return alerts
}

/** What a toast says. */
export function alertText(alert: StepAlert, stepTitle: string): string {
  return alert.kind === 'soon' ? `2 minutes left · ${stepTitle}` : `Time is up · ${stepTitle}`
}

/** The tab's title: the step's clock while the interview runs or is paused, so a background tab shows where it stands. */
export function tabTitle(view: TimerView, status: TimerStatus, stepTitle: string, roomTitle: string): string {
  if (status === 'running' || status === 'paused') return `${stepFace(view).text}${status === 'paused' ? ' (paused)' : ''} · ${stepTitle} · Stepwise`
  return `${roomTitle} · Stepwise`
}
