import { describe, expect, it } from 'vitest'
import { idleStretches, stepSegments, stepTimeline, type TimerMark } from './timeline.js'

const mark = (at: number, command: string, stepIndex: number, status: TimerMark['status']): TimerMark => ({ at, command, stepIndex, status })

describe('stepSegments', () => {
  it('turns start, next, pause, resume and end into running stretches per step', () => {
    const marks = [
      mark(1000, 'start', 0, 'running'),
      mark(4000, 'next', 1, 'running'),
      mark(5000, 'pause', 1, 'paused'),
      mark(9000, 'resume', 1, 'running'),
      mark(10_000, 'end', 1, 'ended'),
    ]
    expect(stepSegments(marks, 3, 20_000)).toEqual([[{ start: 1000, end: 4000 }], [{ start: 4000, end: 5000 }, { start: 9000, end: 10_000 }], []])
  })

  it('closes a step still running at the end given, and ignores events out of order', () => {
    const marks = [mark(3000, 'next', 1, 'running'), mark(1000, 'start', 0, 'running')]
    expect(stepSegments(marks, 2, 7000)).toEqual([[{ start: 1000, end: 3000 }], [{ start: 3000, end: 7000 }]])
  })

  it('moving while paused starts nothing', () => {
    const marks = [mark(0, 'start', 0, 'running'), mark(10, 'pause', 0, 'paused'), mark(20, 'next', 1, 'paused'), mark(30, 'resume', 1, 'running')]
    expect(stepSegments(marks, 2, 40)).toEqual([[{ start: 0, end: 10 }], [{ start: 30, end: 40 }]])
  })
})

describe('stepTimeline', () => {
  it('sums used time per step and keeps the plan (extended plans when given)', () => {
    const steps = [
      { key: 'a', title: 'A', minutes: 1 },
      { key: 'b', title: 'B', minutes: 2 },
    ]
    const t = stepTimeline(steps, [mark(0, 'start', 0, 'running'), mark(90_000, 'next', 1, 'running')], 100_000, [60_000, 180_000])
    expect(t.map((s) => [s.key, s.plannedMs, s.usedMs, s.startedAt])).toEqual([
      ['a', 60_000, 90_000, 0],
      ['b', 180_000, 10_000, 90_000],
    ])
  })
})

describe('idleStretches', () => {
  it('finds gaps longer than the threshold between active buckets, and at both ends', () => {
    const buckets = [
      { at: 10_000, updates: 3, bytes: 30 },
      { at: 15_000, updates: 0, bytes: 0 },
      { at: 60_000, updates: 1, bytes: 10 },
    ]
    expect(idleStretches(buckets, 5000, 0, 120_000, 30_000)).toEqual([
      { start: 15_000, end: 60_000 },
      { start: 65_000, end: 120_000 },
    ])
  })
})
