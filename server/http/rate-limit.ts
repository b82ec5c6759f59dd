export type Verdict = { ok: true } | { ok: false; retryAfterMs: number }

/** The `Retry-After` header's whole seconds for a wait: never 0, which would invite a retry at once. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

const MINUTE_MS = 60_000
/** About 100 bytes a key: the map stays under ~10 MB however many addresses come by. */
const DEFAULT_MAX_KEYS = 100_000

/**
 * A token bucket per key (a client address): `perMinute` requests in a burst, refilled evenly over
 * a minute. Pure: the caller hands in the time. `perMinute: 0` turns it off.
 *
 * Memory stays bounded: the map is kept in order of last use, and a bucket untouched for a minute
 * is full again, the same as no bucket at all, so it is dropped; past `maxKeys` the least recently
 * used go first (they merely start over with a full bucket).
 */
export class RateLimiter {
  readonly #capacity: number
  readonly #refillPerMs: number
  readonly #maxKeys: number
  /** Oldest use first: a take moves its key to the end. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(opts: { perMinute: number; maxKeys?: number }) {
    this.#capacity = opts.perMinute
    this.#refillPerMs = opts.perMinute / MINUTE_MS
    this.#maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS
  }

  /** Takes one request for `key` at `now` (ms), or says how long until the next one fits. */
  take(key: string, now: number): Verdict {
    if (this.#capacity === 0) return { ok: true }
    this.#dropIdle(now)
    const bucket = this.#buckets.get(key)
    // A clock that steps back grants nothing and takes nothing away.
    const tokens = bucket ? Math.min(this.#capacity, bucket.tokens + Math.max(0, now - bucket.at) * this.#refillPerMs) : this.#capacity
    if (tokens < 1) return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.#refillPerMs) }
    this.#buckets.delete(key)
    this.#buckets.set(key, { tokens: tokens - 1, at: now })
    for (const oldest of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxKeys) break
      this.#buckets.delete(oldest)
    }
    return { ok: true }
  }

  /** How many keys are held right now. */
  get size(): number {
    return this.#buckets.size
  }

  #dropIdle(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.at < MINUTE_MS) break
      this.#buckets.delete(key)
    }
  }
}
