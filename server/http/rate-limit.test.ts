import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limit.js'

const T0 = 1_700_000_000_000

describe('RateLimiter', () => {
  it('allows a burst of perMinute requests, then refuses with the time until the next one fits', () => {
    const limit = new RateLimiter({ perMinute: 3 })
    for (let i = 0; i < 3; i++) expect(limit.take('a', T0)).toEqual({ ok: true })
    // 3 a minute: one more every 20 s.
    expect(limit.take('a', T0)).toEqual({ ok: false, retryAfterMs: 20_000 })
    expect(limit.take('a', T0 + 5_000)).toEqual({ ok: false, retryAfterMs: 15_000 })
  })

  it('refills evenly: one request every 60/perMinute seconds, and a full burst again after a minute', () => {
    const limit = new RateLimiter({ perMinute: 3 })
    for (let i = 0; i < 3; i++) limit.take('a', T0)
    expect(limit.take('a', T0 + 19_999).ok).toBe(false)
    expect(limit.take('a', T0 + 20_000).ok).toBe(true)
    expect(limit.take('a', T0 + 20_000).ok).toBe(false)
    const later = T0 + 20_000 + 60_000
    for (let i = 0; i < 3; i++) expect(limit.take('a', later).ok).toBe(true)
    expect(limit.take('a', later).ok).toBe(false)
  })

  it('a refused request costs nothing: a client retrying at once does not push its own wait back', () => {
    const limit = new RateLimiter({ perMinute: 60 })
    for (let i = 0; i < 60; i++) limit.take('a', T0)
    for (let i = 0; i < 100; i++) expect(limit.take('a', T0 + i).ok).toBe(false)
    expect(limit.take('a', T0 + 1_000).ok).toBe(true)
  })

  it('each key has its own bucket', () => {
    const limit = new RateLimiter({ perMinute: 1 })
    expect(limit.take('a', T0).ok).toBe(true)
    expect(limit.take('a', T0).ok).toBe(false)
    expect(limit.take('b', T0).ok).toBe(true)
  })

  it('perMinute 0 is off: everything passes and nothing is kept', () => {
    const limit = new RateLimiter({ perMinute: 0 })
    for (let i = 0; i < 1000; i++) expect(limit.take(`k${i % 7}`, T0).ok).toBe(true)
    expect(limit.size).toBe(0)
  })

  it('forgets keys idle for a minute, so memory follows the addresses active in the last minute', () => {
    const limit = new RateLimiter({ perMinute: 10 })
    for (let i = 0; i < 10_000; i++) limit.take(`10.0.${i >> 8}.${i & 255}`, T0 + i)
    expect(limit.size).toBe(10_000)
    limit.take('late', T0 + 10_000 + 60_000)
    expect(limit.size).toBe(1)
  })

  it('never holds more than maxKeys, dropping the least recently used first', () => {
    const limit = new RateLimiter({ perMinute: 1, maxKeys: 100 })
    for (let i = 0; i < 1_000; i++) limit.take(`k${i}`, T0)
    expect(limit.size).toBe(100)
    // The newest are kept (and still limited); the oldest start over.
    expect(limit.take('k999', T0).ok).toBe(false)
    expect(limit.take('k0', T0).ok).toBe(true)
  })

  it('a clock stepping back neither grants nor throws', () => {
    const limit = new RateLimiter({ perMinute: 2 })
    limit.take('a', T0)
    limit.take('a', T0)
    expect(limit.take('a', T0 - 30_000)).toEqual({ ok: false, retryAfterMs: 30_000 })
  })
})
