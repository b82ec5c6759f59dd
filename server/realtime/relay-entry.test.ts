import { describe, expect, it } from 'vitest'
import { decodeEntry, encodeEntry, isAfter, type RelayEntry, sentBy } from './relay-entry.js'

const entry = (over: Partial<RelayEntry> = {}): RelayEntry => ({ kind: 'u', node: 'node1', link: 'lk2', count: 7, target: '', bytes: new Uint8Array([0, 10, 124, 255]), ...over })

describe('relay entries', () => {
  it('round-trip every kind, with bytes that hold the separators', () => {
    for (const e of [entry(), entry({ kind: 'a', count: null }), entry({ kind: 'a', count: null, silent: true }), entry({ kind: 'h', link: '', count: null }), entry({ kind: 'd', link: '', target: 'node9', bytes: new Uint8Array() })]) {
      const decoded = decodeEntry(encodeEntry(e))
      expect(decoded).toEqual({ ...e, bytes: expect.anything() })
      expect([...decoded!.bytes]).toEqual([...e.bytes])
    }
  })

  it('tell their sender without decoding, never by a prefix of another id', () => {
    const raw = encodeEntry(entry({ node: 'node1' }))
    expect(sentBy(raw, Buffer.from('node1'))).toBe(true)
    expect(sentBy(raw, Buffer.from('node'))).toBe(false)
    expect(sentBy(raw, Buffer.from('node12'))).toBe(false)
    expect(sentBy(Buffer.from('u|'), Buffer.from('node1'))).toBe(false)
  })

  it('refuse ids that would break the header, and decode nothing that is not an entry', () => {
    expect(() => encodeEntry(entry({ link: 'a|b' }))).toThrow(/holds/)
    expect(() => encodeEntry(entry({ node: 'a\nb' }))).toThrow(/holds/)
    for (const raw of ['', 'u|n|l|1||', 'x|n|l|1||\n', 'u||l|1||\n', 'u|n|l|1.5||\n', 'u|n|l|1|t||extra\n', 'u|n|l|nine||\n', 'u|n|l|1|t\n']) expect(decodeEntry(Buffer.from(raw)), raw).toBeNull()
  })

  it('order stream ids by time, then sequence', () => {
    expect(isAfter('1700000000001-0', '1700000000000-5')).toBe(true)
    expect(isAfter('1700000000000-10', '1700000000000-9')).toBe(true)
    expect(isAfter('1700000000000-9', '1700000000000-9')).toBe(false)
    expect(isAfter('0-0', '1-0')).toBe(false)
    expect(isAfter('5-1', '0-0')).toBe(true)
  })
})
