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
