import { describe, expect, it } from 'vitest'
import { momentLink, momentTime, nodeLink } from './evidence.js'

describe('evidence links', () => {
  it('link a node by id with its label as it reads now', () => {
    expect(nodeLink({ id: 'n_abc', label: '  Feature store ' })).toEqual({ type: 'node', nodeId: 'n_abc', label: 'Feature store' })
    expect((nodeLink({ id: 'n', label: 'x'.repeat(300) }) as { label: string }).label).toHaveLength(200)
  })

  it('link a moment by whole server milliseconds, its step and the elapsed interview time', () => {
    expect(momentLink(1_700_000_000_123.7, 'data', 61_500.4)).toEqual({ type: 'moment', at: 1_700_000_000_124, stepKey: 'data', elapsedMs: 61_500 })
  })

  it('tell a moment as elapsed interview time, rounded down like the timer', () => {
    const at = 1_700_000_000_000
    expect(momentTime({ at, elapsedMs: 12 * 60_000 + 4_999 })).toBe('12:04 in')
    expect(momentTime({ at, elapsedMs: 0 })).toBe('0:00 in')
    // An older link without it: the time of day, never a count that includes pauses.
    expect(momentTime({ at })).toMatch(/\d{1,2}:\d{2}/)
    expect(momentTime({ at })).not.toMatch(/ in$/)
  })
})
