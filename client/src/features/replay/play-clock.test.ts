import { describe, expect, it } from 'vitest'
import { advance, PlayClock } from './play-clock.js'

describe('advance', () => {
  it('moves speed times faster than the wall clock, and stops at the end', () => {
    expect(advance(1000, 500, 1, 100_000)).toBe(1500)
    expect(advance(1000, 500, 8, 100_000)).toBe(5000)
    expect(advance(1000, 500, 32, 10_000)).toBe(10_000)
    expect(advance(1000, -50, 4, 10_000)).toBe(1000)
  })

  it('jumps over idle stretches, which take no time', () => {
    const idle = [
      { start: 2000, end: 60_000 },
      { start: 61_000, end: 90_000 },
    ]
    // 1000 → 2000 takes a second of recorded time, the rest lands past the first stretch.
    expect(advance(1000, 1500, 1, 100_000, idle)).toBe(60_500)
    // Exactly reaching an idle stretch goes over it.
    expect(advance(1000, 1000, 1, 100_000, idle)).toBe(60_000)
    // Through both.
    expect(advance(1000, 2500, 1, 100_000, idle)).toBe(90_500)
    // Short of the first one: no jump.
    expect(advance(1000, 900, 1, 100_000, idle)).toBe(1900)
  })

  it('leaves an idle stretch it starts in at once', () => {
    const idle = [{ start: 2000, end: 60_000 }]
    expect(advance(30_000, 0, 1, 100_000, idle)).toBe(60_000)
    expect(advance(30_000, 100, 10, 100_000, idle)).toBe(61_000)
    expect(advance(30_000, 100, 10, 50_000, idle)).toBe(50_000)
  })
})

describe('PlayClock', () => {
  it('reads the position from the anchor and the wall time since', () => {
    const clock = new PlayClock(10_000, 500)
    expect(clock.read(500, 4, 100_000)).toBe(10_000)
    expect(clock.read(1500, 4, 100_000)).toBe(14_000)
    // A speed change re-anchors first, so the time already played is not counted again.
    clock.anchor(clock.read(1500, 4, 100_000), 1500)
    expect(clock.read(2500, 16, 100_000)).toBe(30_000)
  })
})
