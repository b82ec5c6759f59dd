import type { Segment } from '../../../../shared/replay/timeline.js'

export const SPEEDS = [1, 2, 4, 8, 16, 32] as const
export type Speed = (typeof SPEEDS)[number]

/**
 * Where the playhead is after playing for `wallMs` from `from`: recorded time runs `speed` times
 * faster than the wall clock, and the `idle` stretches (sorted) take no time at all: the playhead
 * jumps from their start to their end, or out of one it starts in. Never past `end`.
 */
export function advance(from: number, wallMs: number, speed: number, end: number, idle: readonly Segment[] = []): number {
  let at = from
  let left = Math.max(0, wallMs) * speed
  for (const stretch of idle) {
    if (stretch.end <= at) continue
    if (stretch.start <= at) {
      at = stretch.end
      continue
    }
    if (at + left < stretch.start) break
    left -= stretch.start - at
    at = stretch.end
  }
  return Math.min(end, at + left)
}

/**
 * The clock of a playing replay: a position and the wall time it was true at. Reading it later
 * advances it; changing speed or seeking re-anchors it, so no time is counted twice.
 */
export class PlayClock {
  #at: number
  #wall: number

  constructor(at: number, wall: number) {
    this.#at = at
    this.#wall = wall
  }

  /** The position at wall time `now`. */
  read(now: number, speed: number, end: number, idle: readonly Segment[] = []): number {
    return advance(this.#at, now - this.#wall, speed, end, idle)
  }

  /** From wall time `now` on, count from `at`. */
  anchor(at: number, now: number): void {
    this.#at = at
    this.#wall = now
  }
}
