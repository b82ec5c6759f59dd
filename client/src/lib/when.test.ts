import { describe, expect, it } from 'vitest'
import { when } from './when.js'

describe('when', () => {
  const now = new Date(2026, 11, 8, 15, 0).getTime()
  const ago = (ms: number) => new Date(now - ms).toISOString()
  it('says minutes within the hour, then the day', () => {
    expect(when(ago(10_000), now)).toBe('just now')
    expect(when(ago(60_000), now)).toBe('1 minute ago')
    expect(when(ago(42 * 60_000), now)).toBe('42 minutes ago')
    expect(when(ago(3 * 3600_000), now)).toMatch(/^today at /)
    expect(when(ago(20 * 3600_000), now)).toMatch(/^yesterday at /)
    expect(when(new Date(2026, 11, 1, 9, 30).toISOString(), now)).toMatch(/^1 Dec at |^Dec 1 at /)
    expect(when(new Date(2025, 5, 1, 9, 30).toISOString(), now)).toMatch(/2025/)
  })
})
