import { describe, expect, it } from 'vitest'
import { initialTimer, reduceTimer, viewTimer } from '../../../../shared/timer/timer.js'
import { endedFace, stepFace, stepProgress, totalFace } from './format.js'

const steps = [
  { key: 'a', minutes: 5 },
  { key: 'b', minutes: 10 },
]

describe('clock faces', () => {
  it('shows the full plan before the start', () => {
    const view = viewTimer(initialTimer(steps), 1_000)
    expect(stepFace(view)).toEqual({ text: '5:00', caption: 'left in this step', overrun: false })
    expect(totalFace(view).text).toBe('15:00')
    expect(stepProgress(view)).toBe(0)
  })

  it('counts down while running, rounding up to the whole second', () => {
    const t0 = 1_000_000
    const running = reduceTimer(initialTimer(steps), { type: 'start' }, t0)
    expect(stepFace(viewTimer(running, t0 + 500)).text).toBe('5:00')
    expect(stepFace(viewTimer(running, t0 + 1_000)).text).toBe('4:59')
    expect(totalFace(viewTimer(running, t0 + 60_000)).text).toBe('14:00')
    expect(stepProgress(viewTimer(running, t0 + 150_000))).toBeCloseTo(0.5)
  })

  it('shows an overrun plainly once the step is past its plan', () => {
    const t0 = 1_000_000
    const running = reduceTimer(initialTimer(steps), { type: 'start' }, t0)
    const face = stepFace(viewTimer(running, t0 + 5 * 60_000 + 65_400))
    expect(face).toEqual({ text: '+1:05', caption: 'over plan in this step', overrun: true })
    expect(totalFace(viewTimer(running, t0 + 16 * 60_000))).toMatchObject({ text: '+1:00', overrun: true })
    expect(stepProgress(viewTimer(running, t0 + 10 * 60_000))).toBe(1)
  })

  it('stops counting while paused', () => {
    const t0 = 1_000_000
    const paused = reduceTimer(reduceTimer(initialTimer(steps), { type: 'start' }, t0), { type: 'pause' }, t0 + 30_000)
    expect(stepFace(viewTimer(paused, t0 + 600_000)).text).toBe('4:30')
  })

  it('shows the total time taken once ended', () => {
    const t0 = 1_000_000
    const ended = reduceTimer(reduceTimer(initialTimer(steps), { type: 'start' }, t0), { type: 'end' }, t0 + 12 * 60_000 + 5_500)
    expect(endedFace(viewTimer(ended, t0 + 99 * 60_000))).toEqual({ text: '12:05', caption: 'in total, interview over', overrun: false })
  })
})
