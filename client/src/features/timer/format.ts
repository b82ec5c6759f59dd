import type { TimerStatus } from '../../../../shared/timer/timer.js'
import { clockText, remainingText } from '../../../../shared/timer/elapsed.js'
import type { TimerView } from '../../../../shared/timer/view.js'


/** A wall-clock time of day, hours and minutes, in the viewer's locale ("14:05", "2:05 PM"). */
export function timeOfDay(at: number | string | Date): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

export interface ClockFace {
  /** The big number: time left, or how far over. */
  text: string
  /** What the number means, in words. */
  caption: string
  overrun: boolean
}

/** Once the interview is over, the face says how long it took. */
export function endedFace(view: TimerView): ClockFace {
  return { text: clockText(view.totalUsedMs), caption: 'in total, interview over', overrun: false }
}

/** The step's clock face: counts down, then counts up past the plan as an overrun. */
export function stepFace(view: TimerView): ClockFace {
  if (view.stepOverrunMs > 0) {
    return { text: `+${clockText(view.stepOverrunMs)}`, caption: 'over plan in this step', overrun: true }
  }
  return { text: remainingText(view.stepRemainingMs), caption: 'left in this step', overrun: false }
}

/** The interview's clock face. */
export function totalFace(view: TimerView): ClockFace {
  if (view.totalRemainingMs < 0) {
    return { text: `+${clockText(-view.totalRemainingMs)}`, caption: 'over the interview', overrun: true }
  }
  return { text: remainingText(view.totalRemainingMs), caption: 'left in the interview', overrun: false }
}

/** How far along the step is, 0..1, for a progress bar. */
export function stepProgress(view: TimerView): number {
  const planned = view.stepUsedMs + view.stepRemainingMs
  if (planned <= 0) return 1
  return Math.min(1, Math.max(0, view.stepUsedMs / planned))
}

export const STATUS_LABEL: Record<TimerStatus, string> = {
  idle: 'Not started',
  running: 'Running',
  paused: 'Paused',
  ended: 'Ended',
}
