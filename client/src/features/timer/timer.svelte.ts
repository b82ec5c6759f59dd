import { nextChangeAt } from '../../../../shared/timer/elapsed.js'
import type { TimerState } from '../../../../shared/timer/timer.js'
import { type TimerView, viewTimer } from '../../../../shared/timer/view.js'

/**
 * The room's timer as the server last told it, read at "server now". The client clock only
 * measures time between readings of the server's: `offset` = server time - local time, measured
 * by round trip (calibrate) on every connect, and until then read one way from the last message.
 * It redraws at the instants a shown second turns over, so every screen turns over together.
 */
export class TimerClock {
  #state: TimerState = $state.raw() as TimerState
  #offset = $state(0)
  /** Whether the offset came from a round-trip measurement, which a one-way reading must not overwrite. */
  #calibrated = false
  #now = $state(0)
  #view: TimerView = $derived(viewTimer(this.#state, this.#now + this.#offset))
  /** Re-arms the redraw for a new state or offset; set while run() is running. */
  #rearm: (() => void) | null = null

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
  /** Server time minus local time, as this clock reckons it. */
  get offset(): number {
    return this.#offset
  }

  /**
   * A state from the server; `serverNow` re-reads the offset one way, unless it was measured by
   * round trip (an ack carries none: the offset stays). Older versions (a late ack after a newer
   * broadcast) are ignored.
   */
  apply(state: TimerState, serverNow?: number, receivedAt = Date.now()): void {
    if (state.version < this.#state.version) return
    this.#state = state
    if (serverNow !== undefined && !this.#calibrated) this.#offset = serverNow - receivedAt
    this.#now = receivedAt
    this.#rearm?.()
  }

  /** Takes an offset measured by round trip (shared/timer/clock-sync.ts). */
  calibrate(offset: number, now = Date.now()): void {
    this.#offset = offset
    this.#calibrated = true
    this.#now = now
    this.#rearm?.()
  }

  /** The server's clock now, as this client reckons it (for stamping a moment of the interview). */
  serverNow(local = Date.now()): number {
    return Math.round(local + this.#offset)
  }

  tick(now = Date.now()): void {
    this.#now = now
  }

  /**
   * Redraws whenever a shown second turns over (a few ms after, on server time), and once a
   * second while the timer stands still; returns the cleanup.
   */
  run(): () => void {
    let id: ReturnType<typeof setTimeout> | undefined
    const loop = () => {
      clearTimeout(id)
      const local = Date.now()
      this.tick(local)
      const server = local + this.#offset
      const next = nextChangeAt(this.#state, server)
      id = setTimeout(loop, next === null ? 1000 : Math.max(1, next - server + 3))
    }
    this.#rearm = loop
    loop()
    return () => {
      clearTimeout(id)
      this.#rearm = null
    }
  }
}
