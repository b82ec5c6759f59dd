import { describe, expect, it } from 'vitest'
import { can, Role } from './roles.js'
import { PARTICIPANT_COLORS } from './room.js'

describe('who may replay a round and read its report', () => {
  it('its interviewers always, its candidate once the feedback is shared, observers never', () => {
    const table = Role.options.map((role) => [role, can.replayRound(role, false), can.replayRound(role, true)])
    expect(table).toEqual([
      ['interviewer', true, true],
      ['candidate', false, true],
      ['observer', false, false],
    ])
  })
})

describe('participant colours', () => {
  /** WCAG relative luminance of `#rrggbb`. */
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
  }
  it('carry white text at a contrast of 4.5:1 or more', () => {
    for (const color of PARTICIPANT_COLORS) expect((1.05 / (luminance(color) + 0.05)), color).toBeGreaterThanOrEqual(4.5)
  })
})
