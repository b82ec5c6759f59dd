import type { TimerState } from './timer.js'
import { settle } from './view.js'

// Elapsed interview time, defined once for every screen, the report and the replay.
//
// The interview's clock runs only while the timer runs: time paused, before the start and after
// the end does not count. Elapsed time is shown in whole seconds rounded down (a clock reads 7:22
// from 7:22.000 to 7:22.999, the way a stopwatch does); time left rounds up, so a fresh 5-minute
// step reads 5:00 and 0:00 only once it is spent. Both change at the same instants.

/** A stretch of time during which the timer ran. */
export interface Span {
  start: number
  end: number
}

/** The interview's elapsed time at server time `now`, from the timer's state: every step's used time. */
export function elapsedMs(state: TimerState, now: number): number {
  return settle(state, now).steps.reduce((sum, s) => sum + s.usedMs, 0)
}

/** Running time by moment `t`, from the stretches the timer ran (one step's, or the whole interview's). */
export function runningTimeAt(spans: readonly Span[], t: number): number {
  let used = 0
  for (const s of spans) if (s.start < t) used += Math.min(s.end, t) - s.start
  return used
}

/** `m:ss`, or `h:mm:ss` from an hour, in whole seconds rounded down; never negative. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const ss = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/** Time left on a clock that counts down: whole seconds rounded up. */
export function remainingText(ms: number): string {
  return clockText(Math.ceil(ms / 1000) * 1000)
}

/**
 * The next server time after `now` at which a clock face changes (the step's time left or over,
 * the interview's time left, over or elapsed), or null while the timer stands still. Screens that
 * redraw at these instants, each on its offset to server time, turn over their seconds together.
 */
export function nextChangeAt(state: TimerState, now: number): number | null {
  if (state.status !== 'running' || state.runningSince === null) return null
  const step = state.steps[state.stepIndex]
  if (!step) return null
  const ran = Math.max(0, now - state.runningSince)
  const stepUsed = step.usedMs + ran
  const totalUsed = state.steps.reduce((sum, s) => sum + s.usedMs, 0) + ran
  const totalPlanned = state.steps.reduce((sum, s) => sum + s.plannedMs, 0)
  /** Time until `used` next reaches `phase` modulo a second. */
  const until = (used: number, phase: number) => {
    const left = (((phase - used) % 1000) + 1000) % 1000
    return left === 0 ? 1000 : left
  }
  return now + Math.min(until(stepUsed, step.plannedMs), until(totalUsed, totalPlanned), until(totalUsed, 0))
}
