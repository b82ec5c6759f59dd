import { createContext } from 'svelte'
import type * as Y from 'yjs'
import type { Segment } from '../../../../shared/replay/timeline.js'
import type { TimerStatus } from '../../../../shared/timer/timer.js'
import type { ReplayTimeline } from '../../lib/api.js'
import { DocTrack } from './doc-track.js'
import { bucketFor } from '../../../../shared/replay/timeline.js'
import { idleIn, scrubRange, stepAt, updatesBetween } from './moments.js'
import { advance, PlayClock, type Speed } from './play-clock.js'
import type { ReplaySource } from './source.js'

/** The wall clock and the frame loop, injected so tests can drive time. */
export interface Scheduler {
  now(): number
  /** Calls `fn` before the next paint; returns the cancel. */
  frame(fn: () => void): () => void
}

const browserScheduler: Scheduler = {
  now: () => performance.now(),
  frame: (fn) => {
    const id = requestAnimationFrame(fn)
    return () => cancelAnimationFrame(id)
  },
}

/** Playing forward through at most this many updates beats fetching the state afresh. */
const FORWARD_MAX_UPDATES = 1000
/** Updates are fetched this far ahead of the playhead, in wall time at the current speed. */
const LOOKAHEAD_MS = 2000
/** After a failed fetch, the next try waits this long. */
const RETRY_MS = 2000

export type ReplayDocs = { board: Y.Doc; private: Y.Doc | null }

/**
 * A recorded round played back: the timeline, the playhead, and the docs as they were at the
 * playhead. A seek backwards or far ahead loads a fresh doc from the state at that time; playing
 * (or a short hop forward) applies the logged updates as their moment passes. The playhead never
 * runs ahead of the updates fetched: it waits for them (`buffering`), so what is on screen is
 * always the recording at the time shown, once `loading` is false.
 */
export class ReplayPlayer {
  #source: ReplaySource
  #scheduler: Scheduler
  #timeline: ReplayTimeline | null = $state.raw(null)
  #range: Segment = $state.raw({ start: 0, end: 0 })
  #idle: Segment[] = $state.raw([])
  #position = $state(0)
  /** The moment the docs on screen show (behind `position` while loading). */
  #shownAt = $state(-Infinity)
  #playing = $state(false)
  /** 4×: a 45-minute interview in about eleven minutes, still easy to follow. */
  #speed: Speed = $state(4)
  #skipIdle = $state(true)
  #docs: ReplayDocs | null = $state.raw(null)
  #seeking = $state(false)
  #buffering = $state(false)
  #problem: string | null = $state(null)
  #tracks: DocTrack[] = []
  #clock = new PlayClock(0, 0)
  #wantSeek: number | null = null
  #seekRun: Promise<void> | null = null
  #seekError: unknown = null
  #stopFrames: (() => void) | null = null
  #retryAt = -Infinity
  #destroyed = false

  constructor(source: ReplaySource, scheduler: Scheduler = browserScheduler) {
    this.#source = source
    this.#scheduler = scheduler
  }

  get timeline(): ReplayTimeline | null {
    return this.#timeline
  }
  /** What the scrubber spans. */
  get range(): Segment {
    return this.#range
  }
  /** The quiet stretches "skip idle" jumps over. */
  get idle(): Segment[] {
    return this.#idle
  }
  get position(): number {
    return this.#position
  }
  get playing(): boolean {
    return this.#playing
  }
  get speed(): Speed {
    return this.#speed
  }
  get skipIdle(): boolean {
    return this.#skipIdle
  }
  /** The docs at the playhead; null until the first state has arrived. */
  get docs(): ReplayDocs | null {
    return this.#docs
  }
  /** What is on screen is not yet the moment shown: a seek or the updates up to it are on their way. */
  get loading(): boolean {
    return this.#seeking || this.#shownAt < Math.floor(this.#position)
  }
  /** Playing, and waiting for updates to arrive. */
  get buffering(): boolean {
    return this.#buffering
  }
  get problem(): string | null {
    return this.#problem
  }
  /** Where the timer stood at the playhead. */
  get step(): { index: number; status: TimerStatus } {
    return stepAt(this.#timeline?.marks ?? [], this.#position)
  }

  /**
   * Reads the timeline (again with a bucket size fit for its length) and shows the moment `at`,
   * or the end: the finished board first, framed whole, and Play runs it from the start.
   * Errors (a refusal, the network) are the caller's to show.
   */
  async load(at?: number): Promise<void> {
    let timeline = await this.#source.timeline()
    const range = scrubRange(timeline)
    const bucket = bucketFor(range.end - range.start)
    if (bucket !== timeline.activity.bucketMs) timeline = await this.#source.timeline(bucket)
    if (this.#destroyed) return
    this.#timeline = timeline
    this.#range = scrubRange(timeline)
    this.#idle = idleIn(this.#range, timeline.activity)
    this.seek(at ?? this.#range.end)
    await this.#seekRun
    if (!this.#docs && !this.#destroyed) throw this.#seekError
  }

  /** Moves the playhead to `t` (clamped to the range); playing goes on from there. */
  seek(t: number): void {
    const timeline = this.#timeline
    if (!timeline || this.#destroyed) return
    const to = Math.min(this.#range.end, Math.max(this.#range.start, t))
    this.#position = to
    this.#clock.anchor(to, this.#scheduler.now())
    const shortHop = to >= this.#shownAt && updatesBetween(timeline.activity.buckets, timeline.activity.bucketMs, this.#shownAt, to) <= FORWARD_MAX_UPDATES
    if (!this.#seeking && this.#docs && shortHop) {
      this.#pump()
      return
    }
    // Latest wins: seeks made while one is on its way only leave their time for the next.
    this.#wantSeek = to
    if (!this.#seeking) this.#seekRun = this.#runSeeks()
  }

  /** Moves by `ms` (negative: back). */
  skip(ms: number): void {
    this.seek(this.#position + ms)
  }

  /** To where the step was first entered. */
  jumpToStep(index: number): void {
    const at = this.#timeline?.steps[index]?.startedAt
    if (at != null) this.seek(at)
  }

  play(): void {
    if (!this.#timeline || this.#playing || this.#destroyed) return
    // From the end, Play starts over.
    if (this.#position >= this.#range.end) this.seek(this.#range.start)
    this.#playing = true
    this.#clock.anchor(this.#position, this.#scheduler.now())
    this.#loop()
  }

  pause(): void {
    this.#playing = false
    this.#buffering = false
    this.#stopFrames?.()
    this.#stopFrames = null
    // Whatever has arrived up to the playhead goes on screen: a paused replay is never behind.
    this.#pump()
  }

  toggle(): void {
    if (this.#playing) this.pause()
    else this.play()
  }

  setSpeed(speed: Speed): void {
    this.#reanchor()
    this.#speed = speed
  }

  setSkipIdle(skip: boolean): void {
    this.#reanchor()
    this.#skipIdle = skip
  }

  /** Tries again after a failed load of the moment shown. */
  retry(): void {
    this.#problem = null
    this.#retryAt = -Infinity
    this.#shownAt = -Infinity
    this.seek(this.#position)
  }

  destroy(): void {
    this.#destroyed = true
    this.#stopFrames?.()
    for (const track of this.#tracks) track.destroy()
  }

  #reanchor(): void {
    if (this.#playing) {
      this.#pump()
      this.#clock.anchor(this.#position, this.#scheduler.now())
    }
  }

  #loop(): void {
    const frame = () => {
      this.#stopFrames = null
      if (!this.#playing || this.#destroyed) return
      this.#pump()
      if (this.#playing) this.#stopFrames = this.#scheduler.frame(frame)
    }
    this.#stopFrames?.()
    this.#stopFrames = this.#scheduler.frame(frame)
  }

  /** Fetches the state at the latest wanted time into fresh docs, until no newer seek waits. */
  async #runSeeks(): Promise<void> {
    const timeline = this.#timeline!
    this.#seeking = true
    try {
      while (this.#wantSeek !== null && !this.#destroyed) {
        const at = this.#wantSeek
        this.#wantSeek = null
        const states = await Promise.all(timeline.docs.map((doc) => this.#source.state(doc, at)))
        // A newer seek came in meanwhile: this moment would only flash by.
        if (this.#destroyed || this.#wantSeek !== null) continue
        const old: Y.Doc[] = []
        if (this.#tracks.length === 0) this.#tracks = timeline.docs.map((doc, i) => new DocTrack(doc, this.#source, states[i]!, at))
        else this.#tracks.forEach((track, i) => old.push(track.reset(states[i]!, at)))
        this.#docs = { board: this.#tracks[0]!.doc, private: this.#tracks[1]?.doc ?? null }
        this.#shownAt = at
        this.#problem = null
        // The components move to the new docs on their next update; the old ones go after that.
        if (old.length > 0) setTimeout(() => old.forEach((doc) => doc.destroy()), 0)
      }
    } catch (err) {
      this.#wantSeek = null
      this.#seekError = err
      this.#problem = 'Could not load this moment of the interview.'
    } finally {
      this.#seeking = false
    }
    this.#clock.anchor(this.#position, this.#scheduler.now())
    this.#pump()
  }

  /**
   * One step of playback: moves a playing playhead (no further than the updates fetched), applies
   * the updates up to it, and fetches ahead.
   */
  #pump(): void {
    if (!this.#timeline || this.#seeking || this.#tracks.length === 0 || this.#destroyed) return
    const now = this.#scheduler.now()
    const end = this.#range.end
    const idle = this.#skipIdle ? this.#idle : []
    const covered = Math.min(...this.#tracks.map((t) => t.covered))
    if (this.#playing) {
      let at = this.#clock.read(now, this.#speed, end, idle)
      const starved = at > covered && covered < end
      if (starved) {
        at = Math.max(this.#position, covered)
        this.#clock.anchor(at, now)
      }
      this.#buffering = starved
      this.#position = at
      if (at >= end) {
        this.#playing = false
        this.#buffering = false
      }
    }
    for (const track of this.#tracks) track.playTo(this.#position)
    this.#shownAt = Math.min(Math.floor(this.#position), covered)

    const ahead = this.#playing ? advance(this.#position, LOOKAHEAD_MS, this.#speed, end, idle) : this.#position
    const until = Math.min(end, ahead)
    if (now < this.#retryAt) return
    for (const track of this.#tracks) {
      if (track.covered >= until || track.filling) continue
      track.fill(until).then(
        (added) => {
          if (added && this.#problem) this.#problem = null
          if (added) this.#pump()
        },
        () => {
          this.#retryAt = this.#scheduler.now() + RETRY_MS
          this.#problem = 'Lost the connection to the recording: retrying…'
          setTimeout(() => this.#pump(), RETRY_MS)
        },
      )
    }
  }
}

export const [getReplay, setReplay] = createContext<ReplayPlayer>()
