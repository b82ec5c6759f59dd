import { describe, expect, it } from 'vitest'
import { initialTimer, reduceTimer } from '../../../../shared/timer/timer.js'
import { TimerClock } from './timer.svelte.js'

const idle = initialTimer([{ key: 'a', minutes: 5 }])

describe('TimerClock', () => {
  it('reads the timer at server time, whatever the local clock says', () => {
    const serverStart = 5_000_000
    const running = reduceTimer(idle, { type: 'start' }, serverStart)
    // The local clock is 1 hour behind the server.
    const clock = new TimerClock(running, serverStart + 10_000, serverStart + 10_000 - 3_600_000)
    clock.tick(serverStart + 40_000 - 3_600_000)
    expect(clock.view.stepUsedMs).toBe(40_000)
  })

  it('ignores a state older than the one it has', () => {
    const s1 = reduceTimer(idle, { type: 'start' }, 1000)
    const s2 = reduceTimer(s1, { type: 'pause' }, 2000)
    const clock = new TimerClock(s2, 2000, 2000)
    clock.apply(s1, 3000, 3000)
    expect(clock.state.status).toBe('paused')
    clock.apply(reduceTimer(s2, { type: 'end' }, 4000), 4000, 4000)
    expect(clock.ended).toBe(true)
  })
})

describe('TimerClock offset', () => {
  it('keeps a round-trip measurement over the one-way reading of later messages', () => {
    const running = reduceTimer(idle, { type: 'start' }, 1_000_000)
    const clock = new TimerClock(running, 1_000_000, 990_000)
    expect(clock.offset).toBe(10_000)
    clock.calibrate(10_250, 991_000)
    // A broadcast that took 600 ms to arrive would read the offset 600 ms short.
    clock.apply({ ...running, version: running.version + 1 }, 1_001_000, 991_350)
    expect(clock.offset).toBe(10_250)
    expect(clock.serverNow(991_350)).toBe(1_001_600)
  })
})
