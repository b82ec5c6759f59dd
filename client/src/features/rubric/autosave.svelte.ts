/**
 * Where a draft stands: `pending` (edited, waiting for a pause in typing), `saving`, `saved`,
 * `offline` (no answer: retrying on its own), `failed` (the server refused: retrying would not help).
 */
export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'offline' | 'failed'

/** A save that reached the server, or found it had to save again (a conflict it resolved). */
export type SaveOutcome = 'saved' | 'again'

/** Thrown by a save that got no answer: the network, not the server, failed. */
export class OfflineError extends Error {
  constructor(message = 'offline') {
    super(message)
    this.name = 'OfflineError'
  }
}

export interface AutosaveOptions {
  /** The pause in typing after which a change is saved. */
  delayMs?: number
  /** The wait before the n-th retry (1, 2, …) while offline. */
  backoffMs?: (attempt: number) => number
  /** How many conflicts in a row a save may resolve before it gives up. */
  maxAgain?: number
}

const defaultBackoff = (attempt: number) => Math.min(15_000, 1000 * 2 ** (attempt - 1))

/**
 * Debounced, one-at-a-time saving of whatever the latest draft is when the save runs. Edits made
 * while a save is on its way are saved right after it. Offline, it retries with backoff (and at
 * once when `retryNow` is called, e.g. on the browser's `online` event); nothing is dropped.
 */
export class Autosave {
  #status: SaveStatus = $state('idle')
  #error: string | null = $state(null)
  #run: () => Promise<SaveOutcome>
  #delayMs: number
  #backoffMs: (attempt: number) => number
  #maxAgain: number
  #debounce: ReturnType<typeof setTimeout> | null = null
  #retry: ReturnType<typeof setTimeout> | null = null
  #running: Promise<boolean> | null = null
  #again = false
  #attempt = 0
  #disposed = false

  constructor(run: () => Promise<SaveOutcome>, opts: AutosaveOptions = {}) {
    this.#run = run
    this.#delayMs = opts.delayMs ?? 600
    this.#backoffMs = opts.backoffMs ?? defaultBackoff
    this.#maxAgain = opts.maxAgain ?? 3
  }

  get status(): SaveStatus {
    return this.#status
  }
  /** Why the last save failed, when it did. */
  get error(): string | null {
    return this.#error
  }
  /** Edits that the server has not confirmed yet. */
  get unsaved(): boolean {
    return this.#status === 'pending' || this.#status === 'saving' || this.#status === 'offline' || this.#status === 'failed'
  }

  /** Something changed: save after a pause in typing. */
  touch(): void {
    if (this.#disposed) return
    if (this.#status !== 'offline' && this.#status !== 'saving') this.#status = 'pending'
    if (this.#debounce) clearTimeout(this.#debounce)
    this.#debounce = setTimeout(() => {
      this.#debounce = null
      void this.flush()
    }, this.#delayMs)
  }

  /** Saves now, and resolves once everything edited so far is saved (true) or could not be (false). */
  flush(): Promise<boolean> {
    if (this.#debounce) {
      clearTimeout(this.#debounce)
      this.#debounce = null
    }
    if (this.#running) {
      this.#again = true
      return this.#running
    }
    this.#running = this.#loop().finally(() => (this.#running = null))
    return this.#running
  }

  /** The connection is back: retry a waiting save at once. */
  retryNow(): void {
    if (this.#status !== 'offline') return
    if (this.#retry) clearTimeout(this.#retry)
    this.#retry = null
    void this.flush()
  }

  dispose(): void {
    this.#disposed = true
    if (this.#debounce) clearTimeout(this.#debounce)
    if (this.#retry) clearTimeout(this.#retry)
  }

  async #loop(): Promise<boolean> {
    if (this.#retry) {
      clearTimeout(this.#retry)
      this.#retry = null
    }
    let conflicts = 0
    do {
      this.#again = false
      if (this.#status !== 'offline') this.#status = 'saving'
      try {
        const outcome = await this.#run()
        this.#attempt = 0
        if (outcome === 'again') {
          if (++conflicts > this.#maxAgain) return this.#fail('The rubric keeps changing elsewhere; reload the page.')
          this.#again = true
        }
      } catch (err) {
        if (err instanceof OfflineError) {
          this.#status = 'offline'
          this.#error = null
          this.#attempt += 1
          if (!this.#disposed) this.#retry = setTimeout(() => void this.flush(), this.#backoffMs(this.#attempt))
          return false
        }
        return this.#fail(err instanceof Error ? err.message : String(err))
      }
    } while (this.#again)
    this.#error = null
    this.#status = this.#debounce ? 'pending' : 'saved'
    return true
  }

  #fail(message: string): false {
    this.#status = 'failed'
    this.#error = message
    return false
  }
}
