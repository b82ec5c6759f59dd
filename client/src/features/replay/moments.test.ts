import { describe, expect, it } from 'vitest'
import type { TimerMark } from '../../../../shared/replay/timeline.js'
import { bucketFor } from '../../../../shared/replay/timeline.js'
import { clockAt, idleIn, interviewStart, scrubRange, stepAt, updatesBetween } from './moments.js'

const marks: TimerMark[] = [
  { at: 10_000, command: 'start', stepIndex: 0, status: 'running' },
  { at: 70_000, command: 'next', stepIndex: 1, status: 'running' },
  { at: 90_000, command: 'pause', stepIndex: 1, status: 'paused' },
  { at: 120_000, command: 'resume', stepIndex: 1, status: 'running' },
  { at: 150_000, command: 'end', stepIndex: 1, status: 'ended' },
]

describe('replay moments', () => {
  it('finds the step and the timer status at any time', () => {
    expect(stepAt(marks, 0)).toEqual({ index: -1, status: 'idle' })
    expect(stepAt(marks, 10_000)).toEqual({ index: 0, status: 'running' })
    expect(stepAt(marks, 69_999)).toEqual({ index: 0, status: 'running' })
    expect(stepAt(marks, 70_000)).toEqual({ index: 1, status: 'running' })
    expect(stepAt(marks, 100_000)).toEqual({ index: 1, status: 'paused' })
    expect(stepAt(marks, 200_000)).toEqual({ index: 1, status: 'ended' })
  })

  it('picks a round bucket size for about 240 bars', () => {
    expect(bucketFor(20_000)).toBe(1000)
    expect(bucketFor(45 * 60_000)).toBe(15_000)
    expect(bucketFor(60 * 60_000)).toBe(15_000)
    expect(bucketFor(3 * 3600_000)).toBe(60_000)
    expect(bucketFor(1000 * 3600_000)).toBe(600_000)
  })

  it('counts the updates a hop forward would apply', () => {
    const buckets = [
      { at: 0, updates: 5, bytes: 0 },
      { at: 1000, updates: 7, bytes: 0 },
      { at: 5000, updates: 100, bytes: 0 },
    ]
    expect(updatesBetween(buckets, 1000, 500, 1500)).toBe(12)
    expect(updatesBetween(buckets, 1000, 1000, 4999)).toBe(7)
    expect(updatesBetween(buckets, 1000, 2000, 4000)).toBe(0)
  })

  it('spans the scrubber from the first event or edit, not from when the room was made', () => {
    const timeline = { start: 0, end: 200_000, marks, activity: { buckets: [{ at: 5000, updates: 3, bytes: 9 }] } }
    expect(scrubRange(timeline)).toEqual({ start: 5000, end: 200_000 })
    expect(scrubRange({ ...timeline, activity: { buckets: [] } })).toEqual({ start: 10_000, end: 200_000 })
    expect(scrubRange({ ...timeline, marks: [], activity: { buckets: [] } })).toEqual({ start: 0, end: 200_000 })
    // Never empty: a round with nothing in it still has a scrubber.
    expect(scrubRange({ start: 50, end: 50, marks: [], activity: { buckets: [] } })).toEqual({ start: 50, end: 1050 })
  })

  it('finds the idle stretches long enough to skip', () => {
    const activity = { bucketMs: 1000, buckets: [{ at: 0, updates: 1, bytes: 1 }, { at: 10_000, updates: 1, bytes: 1 }, { at: 60_000, updates: 1, bytes: 1 }] }
    expect(idleIn({ start: 0, end: 61_000 }, activity)).toEqual([{ start: 11_000, end: 60_000 }])
  })

  it('reads the interview clock at a moment: running time only, and a countdown before the start', () => {
    expect(interviewStart(marks, { start: 0, end: 1 })).toBe(10_000)
    expect(interviewStart([], { start: 5, end: 10 })).toBe(5)
    const range = { start: 0, end: 200_000 }
    const timeline = { marks, steps: [{ segments: [{ start: 10_000, end: 70_000 }] }, { segments: [{ start: 70_000, end: 90_000 }, { start: 120_000, end: 150_000 }] }] }
    expect(clockAt(timeline, range, 5_000)).toBe('−0:05')
    expect(clockAt(timeline, range, 9_500)).toBe('0:00')
    expect(clockAt(timeline, range, 75_500)).toBe('1:05')
    // paused from 90 s to 120 s: the clock stands still
    expect(clockAt(timeline, range, 100_000)).toBe('1:20')
    expect(clockAt(timeline, range, 119_999)).toBe('1:20')
    expect(clockAt(timeline, range, 130_000)).toBe('1:30')
    // after the end: the interview's total, as the room's timer showed it
    expect(clockAt(timeline, range, 200_000)).toBe('1:50')
  })
})
