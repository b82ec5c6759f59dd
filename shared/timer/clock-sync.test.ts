import { describe, expect, it } from 'vitest'
import { offsetFrom } from './clock-sync.js'

describe('offsetFrom', () => {
  it('takes the server time as halfway through the round trip', () => {
    expect(offsetFrom([{ sentAt: 1000, receivedAt: 1040, serverNow: 5020 }])).toBe(4000)
  })

  it('trusts the probe with the shortest round trip', () => {
    const samples = [
      { sentAt: 0, receivedAt: 900, serverNow: 10_100 }, // a slow answer, delayed one way
      { sentAt: 1000, receivedAt: 1010, serverNow: 11_005 },
      { sentAt: 2000, receivedAt: 2300, serverNow: 12_050 },
    ]
    expect(offsetFrom(samples)).toBe(10_000)
  })

  it('ignores a sample whose local clock went backwards, and gives nothing without samples', () => {
    expect(offsetFrom([])).toBeNull()
    expect(offsetFrom([{ sentAt: 10, receivedAt: 5, serverNow: 0 }])).toBeNull()
  })
})
