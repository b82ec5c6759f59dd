import { type ActivityBucket, idleStretches, type Segment, type TimerMark } from '../../../../shared/replay/timeline.js'
import type { TimerStatus } from '../../../../shared/timer/timer.js'
import { clockText, runningTimeAt } from '../../../../shared/timer/elapsed.js'

/** Shorter quiet stretches are part of the conversation; longer ones "skip idle" jumps over. */
const IDLE_MIN_MS = 15_000

/** Where the timer stood at `t`: the step and status of the last timer event at or before it. */
export function stepAt(marks: readonly TimerMark[], t: number): { index: number; status: TimerStatus } {
  let found: TimerMark | undefined
  for (const mark of marks) if (mark.at <= t && (!found || mark.at >= found.at)) found = mark
  return found ? { index: found.stepIndex, status: found.status } : { index: -1, status: 'idle' }
}

/** Updates logged in the buckets that overlap (from, to]: what playing forward that far would apply, at most. */
export function updatesBetween(buckets: readonly ActivityBucket[], bucketMs: number, from: number, to: number): number {
  let count = 0
  for (const b of buckets) if (b.at + bucketMs > from && b.at <= to) count += b.updates
  return count
}

/**
 * The stretch the scrubber spans: from the first thing that happened (a timer event or an edit)
 * to the end. A room made the day before would otherwise open on a day of nothing.
 */
export function scrubRange(t: { start: number; end: number; marks: readonly TimerMark[]; activity: { buckets: readonly ActivityBucket[] } }): Segment {
  const firstEdit = t.activity.buckets.find((b) => b.updates > 0)?.at ?? Infinity
  const first = Math.min(firstEdit, t.marks[0]?.at ?? Infinity)
  const start = Number.isFinite(first) ? Math.min(Math.max(t.start, first), t.end) : t.start
  return { start, end: Math.max(t.end, start + 1000) }
}

/** The quiet stretches of a range that "skip idle" jumps over. */
export function idleIn(range: Segment, activity: { bucketMs: number; buckets: readonly ActivityBucket[] }): Segment[] {
  return idleStretches(activity.buckets, activity.bucketMs, range.start, range.end, Math.max(IDLE_MIN_MS, 2 * activity.bucketMs))
}

/** When the interview began: the timer's first start, else the start of the range. */
export function interviewStart(marks: readonly TimerMark[], range: Segment): number {
  return marks.find((m) => m.status === 'running')?.at ?? range.start
}

/**
 * The interview clock at replay moment `t`, as the room's timer read then: elapsed interview
 * time (shared/timer/elapsed.ts, so pauses do not count), or `−0:40` before the timer first started.
 */
export function clockAt(timeline: { steps: readonly { segments: readonly Segment[] }[]; marks: readonly TimerMark[] }, range: Segment, t: number): string {
  const start = interviewStart(timeline.marks, range)
  if (start - t >= 1000) return `−${clockText(start - t)}`
  return clockText(runningTimeAt(timeline.steps.flatMap((s) => s.segments), t))
}
