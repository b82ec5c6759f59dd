import { describe, expect, it } from 'vitest'
import { ApiError } from '../../lib/api.js'
import { mayReplay, pageProblem, refusal } from './access.js'

describe('who may replay', () => {
  it('interviewers always, the candidate once feedback is shared, observers never', () => {
    expect(mayReplay('interviewer', false)).toBe(true)
    expect(mayReplay('candidate', false)).toBe(false)
    expect(mayReplay('candidate', true)).toBe(true)
    expect(mayReplay('observer', true)).toBe(false)
    expect(mayReplay(null, true)).toBe(false)
  })

  it('tells a refused person why, by role', () => {
    expect(refusal('replay', 'candidate')?.title).toBe('The replay is not open to you yet')
    expect(refusal('report', 'candidate')?.body).toMatch(/once your interviewer shares their feedback/)
    expect(refusal('replay', 'observer')?.title).toMatch(/Observers/)
    expect(refusal('replay', 'interviewer')).toBeNull()
    const forbidden = new ApiError(403, 'forbidden', 'the replay opens to the candidate once the feedback is shared')
    expect(pageProblem('replay', 'candidate', forbidden).title).toBe('The replay is not open to you yet')
    expect(pageProblem('replay', null, new ApiError(0, 'network', 'down'))).toMatchObject({ title: 'Cannot reach Stepwise', retry: true })
  })
})
