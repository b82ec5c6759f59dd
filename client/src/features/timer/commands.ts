import type { TimerCommand, TimerState } from '../../../../shared/timer/timer.js'
import type { TimerAction } from './shortcuts.js'

export const EXTEND_MINUTES = 5

/**
 * The command an action means in the timer's current state, stamped with the version it was
 * decided on: if someone else moved the timer meanwhile, the server refuses it (`conflict`)
 * instead of, say, skipping two steps. Null when the action makes no sense now.
 */
export function commandFor(action: TimerAction | 'end', timer: TimerState): TimerCommand | null {
  const expectedVersion = timer.version
  if (timer.status === 'ended') return null
  switch (action) {
    case 'toggle':
      if (timer.status === 'idle') return { type: 'start', expectedVersion }
      if (timer.status === 'running') return { type: 'pause', expectedVersion }
      return { type: 'resume', expectedVersion }
    case 'next':
      if (timer.status === 'idle' || timer.stepIndex >= timer.steps.length - 1) return null
      return { type: 'next', expectedVersion }
    case 'prev':
      if (timer.status === 'idle' || timer.stepIndex === 0) return null
      return { type: 'prev', expectedVersion }
    case 'extend':
      return { type: 'extend', minutes: EXTEND_MINUTES, expectedVersion }
    case 'end':
      return { type: 'end', expectedVersion }
  }
}
