import type { TimerStatus } from '../timer/timer.js'

/** A timer event as the room stores it: when, and where the timer stood right after. */
export interface TimerMark {
  at: number
  command: string
  stepIndex: number
  status: TimerStatus
}

/** A stretch of time during which one step's clock was running. */
export interface Segment {
  start: number
  end: number
}

export interface StepTimeline {
  key: string
  title: string
  plannedMs: number
  /** Running time actually spent on the step, from the timer events. */
  usedMs: number
  segments: Segment[]
  /** When the step was first entered (running), if ever. */
  startedAt: number | null
}

/**
 * Folds timer events into per-step running segments. Pure: `end` closes a segment left running
 * (the live `now` for a round in progress, or the round's end).
 */
export function stepSegments(marks: readonly TimerMark[], stepCount: number, end: number): Segment[][] {
  const segments: Segment[][] = Array.from({ length: stepCount }, () => [])
  let open: { step: number; start: number } | null = null
  const close = (at: number) => {
    if (open && at > open.start) segments[open.step]?.push({ start: open.start, end: at })
    open = null
  }
  for (const mark of [...marks].sort((a, b) => a.at - b.at)) {
    close(mark.at)
    if (mark.status === 'running' && mark.stepIndex >= 0 && mark.stepIndex < stepCount) {
      open = { step: mark.stepIndex, start: mark.at }
    }
  }
  close(end)
  return segments
}

/** The per-step view of a round: plan, time used, and when each step ran. */
export function stepTimeline(
  steps: readonly { key: string; title: string; minutes: number }[],
  marks: readonly TimerMark[],
  end: number,
  plannedMs?: readonly number[],
): StepTimeline[] {
  const segments = stepSegments(marks, steps.length, end)
  return steps.map((s, i) => {
    const mine = segments[i]!
    return {
      key: s.key,
      title: s.title,
      plannedMs: plannedMs?.[i] ?? s.minutes * 60_000,
      usedMs: mine.reduce((sum, seg) => sum + (seg.end - seg.start), 0),
      segments: mine,
      startedAt: mine[0]?.start ?? null,
    }
  })
}

/** Updates per time bucket: the activity strip under the scrubber. */
export interface ActivityBucket {
  /** Bucket start (ms since epoch). */
  at: number
  updates: number
  bytes: number
}

/**
 * Stretches with no activity longer than `minGapMs`, which "skip idle" jumps over. `buckets`
 * must be sorted; gaps are measured between the ends of active buckets.
 */
export function idleStretches(buckets: readonly ActivityBucket[], bucketMs: number, start: number, end: number, minGapMs: number): Segment[] {
  const idle: Segment[] = []
  let last = start
  for (const b of buckets) {
    if (b.updates === 0) continue
    if (b.at - last >= minGapMs) idle.push({ start: last, end: b.at })
    last = Math.max(last, b.at + bucketMs)
  }
  if (end - last >= minGapMs) idle.push({ start: last, end })
  return idle
}

/** Bucket sizes the activity strip may use: round numbers of seconds and minutes. */
const BUCKET_SIZES = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].map((s) => s * 1000)
/** About this many bars across the strip. */
const STRIP_BARS = 240

/**
 * The smallest round bucket that draws a session of `durationMs` in about `STRIP_BARS` bars: the
 * server's default, so the replay view gets a strip it can draw in one request.
 */
export function bucketFor(durationMs: number): number {
  return BUCKET_SIZES.find((b) => durationMs / b <= STRIP_BARS) ?? BUCKET_SIZES.at(-1)!
}
