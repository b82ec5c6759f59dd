import * as Y from 'yjs'
import type { ReplayDoc } from '../../lib/api.js'
import type { ReplaySource } from './source.js'
import { UpdateBuffer } from './update-buffer.js'

/** Updates per fetch while playing forward. */
const PAGE_SIZE = 2000

/** Replayed edits arrive with this origin: nothing local ever writes to a replayed doc. */
const REPLAY_ORIGIN = Symbol('replay')

/**
 * One replayed document: a fresh Y.Doc for every seek, then played forward by applying the logged
 * updates one at a time as their moment passes (never merged: merging many small updates is
 * super-linear). Fetches made before a seek are dropped when they land.
 */
export class DocTrack {
  readonly name: ReplayDoc
  #source: ReplaySource
  #doc: Y.Doc
  #buffer: UpdateBuffer
  #epoch = 0
  #fillingEpoch = -1

  /** The doc as it was at `at` (fetched from the replay state). */
  constructor(name: ReplayDoc, source: ReplaySource, state: { update: Uint8Array; seq: number }, at: number) {
    this.name = name
    this.#source = source
    this.#doc = docFrom(state.update)
    this.#buffer = new UpdateBuffer(state.seq, at)
  }

  get doc(): Y.Doc {
    return this.#doc
  }
  /** Every update up to this time is applied or buffered. */
  get covered(): number {
    return this.#buffer.covered
  }
  get filling(): boolean {
    return this.#fillingEpoch === this.#epoch
  }

  /** Starts over from the doc as it was at `at`, in a fresh doc; returns the old one. */
  reset(state: { update: Uint8Array; seq: number }, at: number): Y.Doc {
    const old = this.#doc
    this.#doc = docFrom(state.update)
    this.#buffer = new UpdateBuffer(state.seq, at)
    this.#epoch++
    return old
  }

  /** Applies the buffered updates received up to `t`, in one transaction; returns how many. */
  playTo(t: number): number {
    const frames = this.#buffer.take(t)
    if (frames.length === 0) return 0
    const doc = this.#doc
    doc.transact(() => {
      for (const frame of frames) Y.applyUpdate(doc, frame.update, REPLAY_ORIGIN)
    }, REPLAY_ORIGIN)
    return frames.length
  }

  /**
   * Fetches the next page of updates up to `until`. Resolves true when it added to the buffer,
   * false when there was nothing to do or a seek made it stale.
   */
  async fill(until: number): Promise<boolean> {
    if (this.filling || this.#buffer.covered >= until) return false
    const epoch = this.#epoch
    this.#fillingEpoch = epoch
    try {
      const page = await this.#source.updates(this.name, this.#buffer.lastSeq, until, PAGE_SIZE)
      if (epoch !== this.#epoch) return false
      this.#buffer.add(page.frames, until, page.more)
      return true
    } finally {
      if (this.#fillingEpoch === epoch) this.#fillingEpoch = -1
    }
  }

  destroy(): void {
    this.#epoch++
    this.#doc.destroy()
  }
}

function docFrom(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update, REPLAY_ORIGIN)
  return doc
}
