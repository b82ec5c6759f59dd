import { describe, expect, it } from 'vitest'
import { parseRoute, roomPageLink, roomToken, roundFromSearch, tokenFromHash } from './route.js'

function memoryStore() {
  const data = new Map<string, string>()
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data }
}

describe('parseRoute', () => {
  it('reads the landing page and room pages', () => {
    expect(parseRoute('/')).toEqual({ page: 'landing' })
    expect(parseRoute('/r/abc_DEF-12')).toEqual({ page: 'room', roomId: 'abc_DEF-12' })
    expect(parseRoute('/r/abc/')).toEqual({ page: 'room', roomId: 'abc' })
  })

  it('reads the kit pages', () => {
    expect(parseRoute('/kits/new')).toEqual({ page: 'kit', kitId: null })
    expect(parseRoute('/kits/infra-loop-a1b2c3')).toEqual({ page: 'kit', kitId: 'infra-loop-a1b2c3' })
    expect(parseRoute('/kits/')).toEqual({ page: 'not-found' })
    expect(parseRoute('/kits/Bad_Id')).toEqual({ page: 'not-found' })
  })

  it("reads a room's replay and report pages", () => {
    expect(parseRoute('/r/abc/replay')).toEqual({ page: 'replay', roomId: 'abc' })
    expect(parseRoute('/r/abc/report/')).toEqual({ page: 'report', roomId: 'abc' })
    expect(parseRoute('/r/abc/ready')).toEqual({ page: 'ready', roomId: 'abc' })
    expect(parseRoute('/r/abc/other')).toEqual({ page: 'not-found' })
  })

  it('links to a round of a replay or report with the token in the fragment', () => {
    expect(roomPageLink('replay', 'abc', 't.1', 2)).toBe('/r/abc/replay?round=2#token=t.1')
    expect(roomPageLink('report', 'abc', 'a b')).toBe('/r/abc/report#token=a%20b')
    expect(roomPageLink('replay', 'abc', 't.1', 1, 1_767_000_000_123.4)).toBe('/r/abc/replay?round=1&t=1767000000123#token=t.1')
    expect(tokenFromHash(new URL('http://x' + roomPageLink('report', 'abc', 'a+b/c')).hash)).toBe('a+b/c')
    expect(roundFromSearch('?round=3')).toBe(3)
    expect(roundFromSearch('?round=0')).toBeNull()
    expect(roundFromSearch('?round=x')).toBeNull()
    expect(roundFromSearch('')).toBeNull()
  })

  it('calls anything else not found', () => {
    expect(parseRoute('/r/')).toEqual({ page: 'not-found' })
    expect(parseRoute('/r/a/b')).toEqual({ page: 'not-found' })
    expect(parseRoute('/rooms')).toEqual({ page: 'not-found' })
  })
})

describe('room tokens', () => {
  it('reads the token from the fragment', () => {
    expect(tokenFromHash('#token=a.b-c')).toBe('a.b-c')
    expect(tokenFromHash('')).toBeNull()
    expect(tokenFromHash('#token=')).toBeNull()
  })

  it('remembers the fragment token per room so a reload without it still works', () => {
    const store = memoryStore()
    expect(roomToken('r1', '#token=t1', store)).toBe('t1')
    expect(roomToken('r1', '', store)).toBe('t1')
    expect(roomToken('r2', '', store)).toBeNull()
  })

  it('prefers a new link over the remembered token', () => {
    const store = memoryStore()
    roomToken('r1', '#token=old', store)
    expect(roomToken('r1', '#token=new', store)).toBe('new')
    expect(roomToken('r1', '', store)).toBe('new')
  })

  it('still works when storage throws', () => {
    const broken = { getItem: () => { throw new Error('denied') }, setItem: () => { throw new Error('denied') } }
    expect(roomToken('r1', '#token=t', broken)).toBe('t')
    expect(roomToken('r1', '', broken)).toBeNull()
  })
})
