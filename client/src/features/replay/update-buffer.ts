import type { Frame } from './frames.js'

/**
 * The updates of one doc fetched ahead of the playhead, in log order, and how far the fetching
 * has got. `covered` is the time up to which every update is known: the doc can be shown at any
 * time up to it by applying what `take` hands out. Pure: the fetching is the caller's.
 */
export class UpdateBuffer {
  #queue: Frame[] = []
  #head = 0
  #lastSeq: number
  #covered: number

  /** Starts after a seek: the doc holds the log up to `seq`, which is everything up to time `at`. */
  constructor(seq: number, at: number) {
    this.#lastSeq = seq
    this.#covered = at
  }

  /** The `after` of the next fetch. */
  get lastSeq(): number {
    return this.#lastSeq
  }
  get covered(): number {
    return this.#covered
  }
  /** Updates fetched and not yet taken. */
  get size(): number {
    return this.#queue.length - this.#head
  }

  /**
   * Adds a page fetched with `after = lastSeq` and `until`. A full page (`more`) covers only up to
   * just before its last update's time: another update of that same millisecond may follow.
   */
  add(frames: readonly Frame[], until: number, more: boolean): void {
    for (const frame of frames) {
      // A page from before a reset, or overlapping the last one, never applies twice.
      if (frame.seq <= this.#lastSeq) continue
      this.#queue.push(frame)
      this.#lastSeq = frame.seq
    }
    const reached = more ? (frames.at(-1)?.at ?? this.#covered + 1) - 1 : until
    this.#covered = Math.max(this.#covered, reached)
  }

  /** Hands out, in log order, the updates received at or before `t`. */
  take(t: number): Frame[] {
    const start = this.#head
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.at <= t) this.#head++
    const taken = this.#queue.slice(start, this.#head)
    // Drop the consumed part now and then rather than shifting on every frame.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
    return taken
  }
}
