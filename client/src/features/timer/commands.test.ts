import { describe, expect, it } from 'vitest'
import { initialTimer, reduceTimer, type TimerState } from '../../../../shared/timer/timer.js'
import { commandFor } from './commands.js'

const idle = initialTimer([
  { key: 'a', minutes: 5 },
  { key: 'b', minutes: 5 },
])
const at = (state: TimerState, ...types: ('start' | 'pause' | 'next' | 'end')[]) =>
  types.reduce((s, type, i) => reduceTimer(s, { type }, 1000 * (i + 1)), state)

describe('commandFor', () => {
  it('toggles start, pause and resume by status, with the version it saw', () => {
    expect(commandFor('toggle', idle)).toEqual({ type: 'start', expectedVersion: 0 })
    expect(commandFor('toggle', at(idle, 'start'))).toEqual({ type: 'pause', expectedVersion: 1 })
    expect(commandFor('toggle', at(idle, 'start', 'pause'))).toEqual({ type: 'resume', expectedVersion: 2 })
  })

  it('moves between steps only once started and within bounds', () => {
    expect(commandFor('next', idle)).toBeNull()
    expect(commandFor('next', at(idle, 'start'))).toEqual({ type: 'next', expectedVersion: 1 })
    expect(commandFor('prev', at(idle, 'start'))).toBeNull()
    expect(commandFor('next', at(idle, 'start', 'next'))).toBeNull()
    expect(commandFor('prev', at(idle, 'start', 'next'))).toEqual({ type: 'prev', expectedVersion: 2 })
  })

  it('extends the current step by five minutes', () => {
    expect(commandFor('extend', idle)).toEqual({ type: 'extend', minutes: 5, expectedVersion: 0 })
  })

  it('does nothing once the interview has ended', () => {
    const ended = at(idle, 'start', 'end')
    for (const action of ['toggle', 'next', 'prev', 'extend', 'end'] as const) expect(commandFor(action, ended)).toBeNull()
  })
})
