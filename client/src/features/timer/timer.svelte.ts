import type { TimerState } from '../../../../shared/timer/timer.js'
import { type TimerView, viewTimer } from '../../../../shared/timer/view.js'

/**
 * The room's timer as the server last told it, read at "server now". The client clock only
 * measures the time since the last message: `offset` = serverNow - local now at receipt.
 */
export class TimerClock {
  #state: TimerState = $state.raw() as TimerState
  #offset = $state(0)
  #now = $state(0)
  #view: TimerView = $derived(viewTimer(this.#state, this.#now + this.#offset))

  constructor(state: TimerState, serverNow: number, receivedAt = Date.now()) {
    this.#state = state
    this.#offset = serverNow - receivedAt
    this.#now = receivedAt
  }

  get state(): TimerState {
    return this.#state
  }
  get view(): TimerView {
    return this.#view
  }
  get ended(): boolean {
    return this.#state.status === 'ended'
  }

  /**
   * A state from the server; `serverNow` re-measures the offset (an ack carries none: the offset
   * stays). Older versions (a late ack after a newer broadcast) are ignored.
   */
  apply(state: TimerState, serverNow?: number, receivedAt = Date.now()): void {
    if (state.version < this.#state.version) return
    this.#state = state
    if (serverNow !== undefined) this.#offset = serverNow - receivedAt
    this.#now = receivedAt
  }

  /** The server's clock now, as this client reckons it (for stamping a moment of the interview). */
  serverNow(local = Date.now()): number {
    return Math.round(local + this.#offset)
  }

  tick(now = Date.now()): void {
    this.#now = now
  }

  /** Ticks a few times a second; returns the cleanup. */
  run(): () => void {
    const id = setInterval(() => this.tick(), 250)
    return () => clearInterval(id)
  }
}
