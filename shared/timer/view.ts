import type { TimerState } from './timer.js'

// Reading the clock lives apart from the reducer and its zod schemas, so the web client can show
// time without shipping zod.

/** Folds the running stretch of the current step into its used time, so the state is exact at `now`. */
export function settle(state: TimerState, now: number): TimerState {
  if (state.status !== 'running' || state.runningSince === null) return state
  // A clock that steps backwards must never make used time negative.
  const elapsed = Math.max(0, Math.round(now - state.runningSince))
  const steps = state.steps.map((s, i) => (i === state.stepIndex ? { ...s, usedMs: s.usedMs + elapsed } : s))
  return { ...state, steps, runningSince: now }
}

/** What a clock face shows at `now` (server time): derived, never stored. */
export interface TimerView {
  stepIndex: number
  stepKey: string
  stepUsedMs: number
  stepRemainingMs: number
  /** How far the current step is past its plan (0 when within). */
  stepOverrunMs: number
  totalPlannedMs: number
  totalUsedMs: number
  totalRemainingMs: number
}

/** Reads the timer at `now` (server time, e.g. `Date.now() + offsetToServer`). */
export function viewTimer(state: TimerState, now: number): TimerView {
  const live = settle(state, now)
  const step = live.steps[live.stepIndex]!
  const totalPlannedMs = live.steps.reduce((sum, s) => sum + s.plannedMs, 0)
  const totalUsedMs = live.steps.reduce((sum, s) => sum + s.usedMs, 0)
  return {
    stepIndex: live.stepIndex,
    stepKey: step.key,
    stepUsedMs: step.usedMs,
    stepRemainingMs: step.plannedMs - step.usedMs,
    stepOverrunMs: Math.max(0, step.usedMs - step.plannedMs),
    totalPlannedMs,
    totalUsedMs,
    totalRemainingMs: totalPlannedMs - totalUsedMs,
  }
}

/** A step counts as done once it had this share of its planned time, or a minute, whichever is less. */
export const DONE_SHARE = 0.2
export const DONE_MIN_MS = 60_000

/** Where a step stands: a step the timer only passed through (a few seconds) was skipped, not done. */
export type StepStanding = 'upcoming' | 'current' | 'done' | 'skipped'

export function stepStanding(state: TimerState, index: number): StepStanding {
  const step = state.steps[index]
  if (!step) return 'upcoming'
  if (state.status === 'idle') return index === state.stepIndex ? 'current' : 'upcoming'
  if (index === state.stepIndex && state.status !== 'ended') return 'current'
  const worked = step.usedMs >= Math.min(DONE_MIN_MS, step.plannedMs * DONE_SHARE)
  if (worked) return 'done'
  // Not reached yet (or gone back from before it had any time): still to come.
  if (index > state.stepIndex && state.status !== 'ended') return 'upcoming'
  return 'skipped'
}
