import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import * as Y from 'yjs'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { httpStatus } from '../shared/errors.js'
import { NEW_ROUND_CLOSE_CODE } from '../shared/rooms/roles.js'
import { loadSecret } from './auth/secret.js'
import { authenticate } from './auth/access.js'
import { Sessions } from './auth/sessions.js'
import { createTokenSigner } from './auth/tokens.js'
import type { DocStore } from './collab/doc-store.js'
import { applyStored } from './collab/keyframe.js'
import { LiveDocs } from './collab/live-docs.js'
import { createPgDocStore } from './collab/pg-doc-store.js'
import { createYjsEndpoint } from './collab/yjs-endpoint.js'
import type { Config } from './config.js'
import { openDatabase } from './db/client.js'
import type { Deps } from './deps.js'
import { createApp } from './http/app.js'
import { clientAddress } from './http/client-ip.js'
import { RateLimiter, retryAfterSeconds } from './http/rate-limit.js'
import { routeUpgrades } from './http/upgrades.js'
import { createLogger, type Logger } from './log.js'
import { connectRedis } from './realtime/redis.js'
import { catchUpAfterOutage } from './realtime/after-outage.js'
import { connectRedisDocRelay } from './realtime/redis-doc-relay.js'
import { attachSocketIo } from './realtime/socket.js'
import { version } from './version.js'

export interface RunningServer {
  /** `http://HOST:PORT` with the real port. */
  url: string
  port: number
  deps: Deps
  docs: LiveDocs
  store: DocStore
  /** Stops accepting, closes sockets, flushes every pending write, closes the database. */
  close(): Promise<void>
}

export interface ServerOptions {
  log?: Logger
  clock?: () => number
  /** Group-commit interval of the update log. */
  flushIntervalMs?: number
  keyframeEvery?: number
}

/** The composition root: config -> db -> app -> sockets -> listen. */
export async function startServer(config: Config, opts: ServerOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL)
  const clock = opts.clock ?? Date.now
  // Several nodes (REDIS_URL) on one Postgres write one log: the database numbers its rows. (PGlite
  // belongs to one process, so with it a node is alone whatever REDIS_URL says.)
  const sharedLog = Boolean(config.REDIS_URL && config.DATABASE_URL)
  /** This process among the nodes: in the relay's stream entries and the shared log's fences. */
  const nodeId = randomUUID().replaceAll('-', '').slice(0, 12)
  if (config.REDIS_URL && !config.DATABASE_URL) {
    log.warn('REDIS_URL is set without DATABASE_URL: this node keeps its rooms in its own embedded database, so no other node can serve them; give every node the same DATABASE_URL (a real Postgres) to share rooms', { dataDir: config.DATA_DIR })
  }
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, sharedLog: sharedLog ? { nodeId } : undefined })
  const tokens = createTokenSigner(loadSecret(config.SECRET, config.DATA_DIR))
  const sessions = new Sessions()
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : null

  const httpServer = createServer()
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(config.PORT, config.HOST, () => resolve())
  })
  const port = (httpServer.address() as AddressInfo).port
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`

  const roomLimit = new RateLimiter({ perMinute: config.RATE_LIMIT_ROOMS_PER_MINUTE })
  const connectionLimit = new RateLimiter({ perMinute: config.RATE_LIMIT_CONNECTIONS_PER_MINUTE })
  const addressOf = (req: IncomingMessage) => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.TRUST_PROXY)

  const deps: Deps = {
    db: database.db,
    driver: database.driver,
    tokens,
    sessions,
    log,
    clock,
    publicUrl: config.PUBLIC_URL ?? url,
    version,
    redis,
    revokeLink: (linkId) => {
      sessions.revoke(linkId)
      redis?.publishRevoke(linkId)
    },
    // Bound below, once socket.io and the Yjs endpoint exist.
    realtime: { roomChanged: async () => {}, toInterviewers: async () => {}, toRoom: () => {}, resyncLocalRooms: async () => {} },
    reopenDocs: async () => {},
    readDoc: async () => {
      throw new Error('not bound yet')
    },
    limits: {
      rooms: (req) => roomLimit.take(addressOf(req), clock()),
      connections: (req) => connectionLimit.take(addressOf(req), clock()),
    },
    liveStats: () => ({ docs: 0, sockets: 0, socketIo: 0 }),
  }
  redis?.onRevoke((linkId) => sessions.revoke(linkId))
  // deps.realtime is read when it happens: by then it is socket.io's notifier.
  redis?.onBack(() => catchUpAfterOutage(deps))

  const app = createApp(deps)
  httpServer.on('request', getRequestListener(app.fetch))
  const keyframeEvery = opts.keyframeEvery ?? 300
  const store = createPgDocStore(database.db, database.logWriter, log, opts.flushIntervalMs ?? config.FLUSH_INTERVAL_MS, keyframeEvery)
  const relay = config.REDIS_URL ? await connectRedisDocRelay(config.REDIS_URL, nodeId, log, sharedLog ? store : null) : null
  // A shared log keyframes from the log itself (log-keyframes.ts), never from a node's memory.
  const docs = new LiveDocs({ store, log, clock, keyframeEvery: sharedLog ? Infinity : keyframeEvery, relay })
  const yjs = createYjsEndpoint({
    docs,
    sessions,
    log,
    maxMessageBytes: config.MAX_MESSAGE_BYTES,
    authenticate: (token, roomId) => authenticate(database.db, tokens, token, roomId, clock()),
  })
  deps.readDoc = async (roomId, key) => {
    const doc = new Y.Doc()
    // Open in a room right now: its state is in memory.
    const live = await docs.stateOf(roomId, key)
    if (live) {
      Y.applyUpdate(doc, live)
      return doc
    }
    // Otherwise from the log: a document is only unloaded once its updates are written
    // (LiveDocs), so nothing of it is still queued.
    const stored = await store.load(roomId, key)
    applyStored(doc, stored.keyframe, stored.tail)
    return doc
  }
  const { io, notifier } = attachSocketIo(httpServer, deps, redis?.socketIoAdapter())
  // socket.io listens for its own upgrades (destroyUpgrade: false leaves the rest alone); every
  // other upgrade is answered here, or its socket would stay open forever.
  httpServer.on(
    'upgrade',
    routeUpgrades({
      socketIoPath: `${io.path()}/`,
      yjs,
      // Before the token is checked: a refused upgrade costs no database work.
      admitYjs: (req) => {
        const verdict = deps.limits.connections(req)
        if (verdict.ok) return null
        const seconds = retryAfterSeconds(verdict.retryAfterMs)
        return {
          status: httpStatus.rate_limited,
          code: 'rate_limited',
          message: `too many connections from this address; try again in ${seconds} s`,
          headers: { 'Retry-After': String(seconds) },
        }
      },
    }),
  )
  deps.realtime = notifier
  deps.liveStats = () => ({ docs: docs.size, sockets: docs.socketCount, socketIo: io.engine.clientsCount })
  // The room moved to a new round: y-websocket reconnects and gets the new rights.
  deps.reopenDocs = (roomId) => docs.closeRoom(roomId, NEW_ROUND_CLOSE_CODE, 'a new round has started')

  let closing: Promise<void> | null = null
  return {
    url,
    port,
    deps,
    docs,
    store,
    close() {
      // A second signal waits for the same shutdown: it never skips the flush.
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()))
        await yjs.close()
        // close() drops transports without a disconnect packet: clients see "transport close" and
        // reconnect by themselves to whichever node serves next.
        await new Promise<void>((resolve) => io.close(() => resolve()))
        // A database that keeps refusing some rows fails the shutdown (they are lost: it says
        // whose), but everything else is still closed in order, the database last.
        const flushed = await store.close().then(
          () => null,
          (err: unknown) => err,
        )
        httpServer.closeAllConnections()
        await stopped
        await relay?.close()
        await redis?.close()
        await database.close()
        if (flushed !== null) {
          log.error('stopped with updates not stored', { error: String(flushed) })
          throw flushed
        }
        log.info('stopped')
      })()
      return closing
    },
  }
}
