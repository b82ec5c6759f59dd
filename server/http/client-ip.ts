import { isIPv6 } from 'node:net'

/**
 * The address a rate limit counts a request against. The socket's peer, unless `trustProxy`: then
 * the last `X-Forwarded-For` entry, the one our own proxy appended (anything before it is what the
 * client claimed). IPv6 counts per /64, the block one host is usually given, or a single machine
 * could take a fresh address for every request.
 */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  let address = remoteAddress ?? ''
  if (trustProxy && forwardedFor !== undefined) {
    const last = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').pop()?.trim()
    if (last) address = last
  }
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7)
  return isIPv6(address) ? ipv6Prefix64(address) : address
}

/** The first four groups of an IPv6 address, written out in full, with /64. */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0')
  const groups = [...left, ...zeros, ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
