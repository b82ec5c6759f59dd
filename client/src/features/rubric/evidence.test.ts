import { describe, expect, it } from 'vitest'
import { momentLink, momentTime, nodeLink } from './evidence.js'

describe('evidence links', () => {
  it('link a node by id with its label as it reads now', () => {
    expect(nodeLink({ id: 'n_abc', label: '  Feature store ' })).toEqual({ type: 'node', nodeId: 'n_abc', label: 'Feature store' })
    expect((nodeLink({ id: 'n', label: 'x'.repeat(300) }) as { label: string }).label).toHaveLength(200)
  })

  it('link a moment by whole server milliseconds and its step', () => {
    expect(momentLink(1_700_000_000_123.7, 'data')).toEqual({ type: 'moment', at: 1_700_000_000_124, stepKey: 'data' })
  })

  it('tell a moment as time into the interview', () => {
    const start = 1_700_000_000_000
    expect(momentTime(start + 12 * 60_000 + 4_000, start)).toBe('12:04 in')
    expect(momentTime(start, start)).toBe('0:00 in')
  })
})
