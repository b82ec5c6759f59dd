import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import type { Logger } from '../log.js'

const REVOKE_CHANNEL = 'stepwise:revoke'

/**
 * Redis for several nodes serving the same rooms: the socket.io adapter (presence and timer
 * broadcasts reach sockets on every node) and revocations (a revoked link closes everywhere).
 */
export async function connectRedis(url: string, log: Logger) {
  const options = { lazyConnect: true, maxRetriesPerRequest: 3 }
  const pub = new Redis(url, options)
  const sub = new Redis(url, options)
  for (const client of [pub, sub]) client.on('error', (err) => log.warn('redis error', { error: String(err) }))
  await Promise.all([pub.connect(), sub.connect()])
  const revokeListeners: ((linkId: string) => void)[] = []
  // The adapter subscribes on its own duplicate; this connection carries our own channels.
  const events = sub.duplicate()
  events.on('error', (err) => log.warn('redis error', { error: String(err) }))
  await events.subscribe(REVOKE_CHANNEL)
  events.on('message', (channel, message) => {
    if (channel === REVOKE_CHANNEL) for (const listener of revokeListeners) listener(message)
  })
  return {
    socketIoAdapter: () => createAdapter(pub, sub),
    async healthy(): Promise<boolean> {
      try {
        return (await pub.ping()) === 'PONG'
      } catch {
        return false
      }
    },
    publishRevoke(linkId: string): void {
      pub.publish(REVOKE_CHANNEL, linkId).catch((err) => log.warn('redis publish failed', { error: String(err) }))
    },
    onRevoke(listener: (linkId: string) => void): void {
      revokeListeners.push(listener)
    },
    async close(): Promise<void> {
      await Promise.allSettled([pub.quit(), sub.quit(), events.quit()])
    },
  }
}
