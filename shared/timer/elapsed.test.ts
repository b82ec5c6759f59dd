import { describe, expect, it } from 'vitest'
import { stepTimeline } from '../replay/timeline.js'
import { clockText, elapsedMs, nextChangeAt, remainingText, runningTimeAt } from './elapsed.js'
import { initialTimer, reduceTimer, type TimerCommand, type TimerState, viewTimer } from './timer.js'

const steps = [
  { key: 'a', title: 'A', minutes: 5 },
  { key: 'b', title: 'B', minutes: 10 },
]

describe('clockText', () => {
  it('prints minutes and seconds, and hours from an hour', () => {
    expect(clockText(0)).toBe('0:00')
    expect(clockText(61_000)).toBe('1:01')
    expect(clockText(45 * 60_000)).toBe('45:00')
    expect(clockText(3600_000 + 5_000)).toBe('1:00:05')
  })

  it('rounds elapsed time down, like a stopwatch', () => {
    expect(clockText(442_000)).toBe('7:22')
    expect(clockText(442_999)).toBe('7:22')
    expect(clockText(443_000)).toBe('7:23')
  })

  it('never prints a negative time', () => {
    expect(clockText(-5000)).toBe('0:00')
  })
})

describe('remainingText', () => {
  it('rounds time left up, so the two clocks change at the same instants', () => {
    expect(remainingText(300_000)).toBe('5:00')
    expect(remainingText(299_001)).toBe('5:00')
    expect(remainingText(299_000)).toBe('4:59')
    expect(remainingText(1)).toBe('0:01')
    expect(remainingText(0)).toBe('0:00')
    // elapsed + left always reads the plan: 0:01 + 4:59, never 0:00 + 4:59 or 0:01 + 5:00.
    for (const used of [0, 1, 999, 1000, 1001, 59_500, 150_250]) {
      const [m1, s1] = clockText(used).split(':').map(Number)
      const [m2, s2] = remainingText(300_000 - used).split(':').map(Number)
      expect((m1! + m2!) * 60 + s1! + s2!).toBe(300)
    }
  })
})

describe('elapsed interview time', () => {
  /** Runs commands at the given times, collecting the timer events the server would store. */
  function run(commands: Array<[number, TimerCommand]>) {
    let state: TimerState = initialTimer(steps)
    const marks: { at: number; command: string; stepIndex: number; status: TimerState['status'] }[] = []
    for (const [at, command] of commands) {
      state = reduceTimer(state, command, at)
      marks.push({ at, command: command.type, stepIndex: state.stepIndex, status: state.status })
    }
    return { state, marks }
  }

  const t0 = 1_000_000
  const { state, marks } = run([
    [t0, { type: 'start' }],
    [t0 + 100_400, { type: 'pause' }],
    // five minutes paused: not interview time
    [t0 + 400_400, { type: 'resume' }],
    [t0 + 500_000, { type: 'next' }],
    [t0 + 742_300, { type: 'end' }],
  ])

  it('counts running time only, not the pause', () => {
    expect(elapsedMs(state, t0 + 9_999_999)).toBe(100_400 + 99_600 + 242_300)
    expect(clockText(elapsedMs(state, t0 + 9_999_999))).toBe('7:22')
  })

  it('reads the same from the timer events as from the state: the replay agrees with the room', () => {
    const timeline = stepTimeline(steps, marks, t0 + 742_300)
    const spans = timeline.flatMap((s) => s.segments)
    expect(runningTimeAt(spans, Infinity)).toBe(elapsedMs(state, t0 + 742_300))
    // a moment during the pause is at the time the pause began
    expect(runningTimeAt(spans, t0 + 250_000)).toBe(100_400)
    // and a moment later on counts only the running stretches before it
    expect(runningTimeAt(spans, t0 + 450_400)).toBe(100_400 + 50_000)
  })

  it('reads a running timer at any moment', () => {
    const running = reduceTimer(initialTimer(steps), { type: 'start' }, t0)
    expect(elapsedMs(running, t0 + 61_500)).toBe(61_500)
    expect(elapsedMs(initialTimer(steps), t0)).toBe(0)
  })
})

describe('nextChangeAt', () => {
  const t0 = 1_000_000
  it('is the instant the shown seconds turn over, and nothing while the timer stands still', () => {
    const idle = initialTimer(steps)
    expect(nextChangeAt(idle, t0)).toBeNull()
    const running = reduceTimer(idle, { type: 'start' }, t0)
    expect(nextChangeAt(running, t0)).toBe(t0 + 1000)
    expect(nextChangeAt(running, t0 + 250)).toBe(t0 + 1000)
    expect(nextChangeAt(running, t0 + 999)).toBe(t0 + 1000)
    expect(nextChangeAt(running, t0 + 1000)).toBe(t0 + 2000)
    const paused = reduceTimer(running, { type: 'pause' }, t0 + 1400)
    expect(nextChangeAt(paused, t0 + 5000)).toBeNull()
    // Resumed with 400 ms into a second: the next change is 600 ms later, on the dot of the clock.
    const resumed = reduceTimer(paused, { type: 'resume' }, t0 + 9000)
    expect(nextChangeAt(resumed, t0 + 9000)).toBe(t0 + 9600)
    const at = nextChangeAt(resumed, t0 + 9000)!
    expect(remainingText(viewTimer(resumed, at - 1).stepRemainingMs)).not.toBe(remainingText(viewTimer(resumed, at).stepRemainingMs))
    expect(clockText(elapsedMs(resumed, at - 1))).not.toBe(clockText(elapsedMs(resumed, at)))
  })
})
