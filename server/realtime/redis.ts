import { createAdapter } from '@socket.io/redis-streams-adapter'
import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from '../log.js'

const REVOKE_CHANNEL = 'stepwise:revoke'
/** A health check answers within this even when Redis hangs. */
const PING_TIMEOUT_MS = 1000

/**
 * While Redis is down a command fails at once instead of waiting in ioredis's offline queue: a
 * broadcast to other nodes cannot reach them anyway, and presence falls back to this node's
 * sockets (socket.ts) instead of stalling every new connection for seconds. ioredis keeps
 * reconnecting (at most 2 s apart) and resubscribes by itself once Redis is back.
 */
const OPTIONS: RedisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 }

/**
 * Redis for several nodes serving the same rooms: the socket.io adapter (presence and timer
 * broadcasts reach sockets on every node) and revocations (a revoked link closes everywhere).
 * No Redis failure may stop the node: Redis only carries what other nodes should hear.
 */
export async function connectRedis(url: string, log: Logger) {
  const pub = new Redis(url, OPTIONS)
  // The adapter reads on a connection of its own (a duplicate of `pub`); this one carries our channels.
  const events = new Redis(url, OPTIONS)
  for (const [name, client] of [['pub', pub], ['events', events]] as const) watch(name, client, log)
  await Promise.all([pub.connect(), events.connect()])
  const revokeListeners: ((linkId: string) => void)[] = []
  const backListeners: (() => void)[] = []
  // Revocations published while our subscription was down are never delivered: say when it is back.
  let eventsDown = false
  events.on('close', () => (eventsDown = true))
  events.on('ready', () => {
    if (!eventsDown) return
    eventsDown = false
    for (const listener of backListeners) listener()
  })
  await events.subscribe(REVOKE_CHANNEL)
  events.on('message', (channel, message) => {
    if (channel === REVOKE_CHANNEL) for (const listener of revokeListeners) listener(message)
  })
  return {
    /**
     * socket.io's Redis Streams adapter: broadcasts go through a stream that a node resumes reading
     * from its last id after a disconnect (the pub/sub adapter loses what was sent meanwhile), and
     * connection-state recovery keeps its sessions in Redis.
     */
    socketIoAdapter: () => {
      const client = neverRejecting(pub, ['xadd', 'publish', 'spublish', 'set', 'getdel'], log)
      // The adapter reads the stream in a loop that retries at once on an error: on a connection
      // that fails fast it would spin through an outage. Its reads wait for Redis to come back instead.
      const reading = () => pub.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null })
      return createAdapter(new Proxy(client, { get: (target, prop, receiver) => (prop === 'duplicate' ? reading : Reflect.get(target, prop, receiver)) }), {
        streamName: 'stepwise:socket.io',
        sessionKeyPrefix: 'stepwise:sio:session:',
      })
    },
    async healthy(): Promise<boolean> {
      if (pub.status !== 'ready') return false
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)))
      const ping = pub.ping().then(
        (reply) => reply === 'PONG',
        () => false,
      )
      try {
        return await Promise.race([ping, timeout])
      } finally {
        clearTimeout(timer)
      }
    },
    publishRevoke(linkId: string): void {
      pub.publish(REVOKE_CHANNEL, linkId).catch((err) => log.warn('redis publish failed', { error: String(err) }))
    },
    onRevoke(listener: (linkId: string) => void): void {
      revokeListeners.push(listener)
    },
    /** After an outage, once revocations reach this node again (those published meanwhile did not). */
    onBack(listener: () => void): void {
      backListeners.push(listener)
    },
    async close(): Promise<void> {
      // quit() waits for replies to what was sent; a client still reconnecting just stops.
      await Promise.allSettled([pub, events].map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())))
    },
  }
}

/** One line when a connection goes down and one when it is back, not one per reconnect attempt. */
function watch(name: string, client: Redis, log: Logger): void {
  let down = false
  client.on('error', (err) => {
    if (down) return
    down = true
    log.warn('redis unavailable', { client: name, error: String(err) })
  })
  client.on('ready', () => {
    if (!down) return
    down = false
    log.info('redis back', { client: name })
  })
}

/**
 * The socket.io adapter calls Redis without awaiting: every broadcast and request to other nodes
 * publishes, and closing unsubscribes. With Redis down each would be an unhandled rejection, which
 * stops Node. Give it a view of the client whose `methods` log the failure (once per outage: a
 * busy room broadcasts many times a second) and resolve; every other command is untouched.
 */
function neverRejecting(client: Redis, methods: readonly string[], log: Logger): Redis {
  let failing = false
  const wrapped = new Map<PropertyKey, unknown>()
  for (const name of methods) {
    const call = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!.bind(client)
    wrapped.set(name, (...args: unknown[]) =>
      call(...args).then(
        (reply) => {
          failing = false
          return reply
        },
        (err) => {
          if (!failing) log.warn('redis command failed; other nodes miss broadcasts until it is back', { command: name, error: String(err) })
          failing = true
          return undefined
        },
      ),
    )
  }
  return new Proxy(client, { get: (target, prop) => (wrapped.has(prop) ? wrapped.get(prop) : Reflect.get(target, prop, target)) })
}
