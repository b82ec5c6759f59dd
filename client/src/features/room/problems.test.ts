import { describe, expect, it } from 'vitest'
import { problemFor } from './problems.js'

describe('problemFor', () => {
  it('maps HTTP statuses to full-page problems', () => {
    expect(problemFor({ status: 401, message: 'invalid token signature' }).kind).toBe('unauthorized')
    expect(problemFor({ status: 401, message: 'this invite link has been revoked' }).kind).toBe('revoked')
    expect(problemFor({ status: 401, message: 'this invite link has expired' }).kind).toBe('expired')
    expect(problemFor({ status: 403 }).kind).toBe('forbidden')
    expect(problemFor({ status: 404 }).kind).toBe('not-found')
    expect(problemFor({ status: 0 }).kind).toBe('unreachable')
  })

  it('maps socket error codes and Yjs close codes the same way', () => {
    expect(problemFor({ code: 'unauthorized' }).kind).toBe('unauthorized')
    expect(problemFor({ code: 'not_found' }).kind).toBe('not-found')
    expect(problemFor({ closeCode: 4401, message: 'invite link revoked' }).kind).toBe('revoked')
    expect(problemFor({ closeCode: 4403 }).kind).toBe('forbidden')
    expect(problemFor({ closeCode: 4404 }).kind).toBe('not-found')
    // A document refused a change whole: past its limits, or bytes the server could not read.
    expect(problemFor({ closeCode: 4413, message: 'this document has reached its limit of 2000 parts' }).kind).toBe('board-full')
    expect(problemFor({ closeCode: 4400 }).kind).toBe('refused')
  })

  it('always has words for a person', () => {
    const p = problemFor({ status: 404 })
    expect(p.title).toMatch(/no such room/i)
    expect(p.body.length).toBeGreaterThan(20)
  })
})
