import { describe, expect, it } from 'vitest'
import { can, Role } from './roles.js'

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
