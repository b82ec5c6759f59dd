import { describe, expect, it } from 'vitest'
import { clientAddress } from './client-ip.js'

describe('clientAddress', () => {
  it('is the socket peer, with an IPv4-mapped IPv6 address written as IPv4', () => {
    expect(clientAddress('127.0.0.1', undefined, false)).toBe('127.0.0.1')
    expect(clientAddress('::ffff:10.1.2.3', undefined, false)).toBe('10.1.2.3')
  })

  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.9', false)).toBe('10.0.0.1')
    expect(clientAddress('10.0.0.1', '203.0.113.9', true)).toBe('203.0.113.9')
  })

  it("behind a trusted proxy, takes the entry the proxy appended, not what the client claimed before it", () => {
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2,203.0.113.9', true)).toBe('203.0.113.9')
    expect(clientAddress('10.0.0.1', ['1.1.1.1', '203.0.113.9'], true)).toBe('203.0.113.9')
    expect(clientAddress('10.0.0.1', ' , ', true)).toBe('10.0.0.1')
  })

  it('counts IPv6 per /64, however the address is written', () => {
    const prefix = '2001:db8:85a3:0::/64'
    expect(clientAddress('2001:db8:85a3::1', undefined, false)).toBe(prefix)
    expect(clientAddress('2001:0db8:85a3:0000:ffff:1:2:3', undefined, false)).toBe(prefix)
    expect(clientAddress('2001:db8:85a3:1::1', undefined, false)).not.toBe(prefix)
    expect(clientAddress('::1', undefined, false)).toBe('0:0:0:0::/64')
    expect(clientAddress('fe80::', undefined, false)).toBe('fe80:0:0:0::/64')
  })
})
