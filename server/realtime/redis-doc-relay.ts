import { Redis, type RedisOptions } from 'ioredis'
import type { DocRelay, RelayedDoc, RelayLink } from '../collab/doc-relay.js'
import type { DocStore } from '../collab/doc-store.js'
import type { Logger } from '../log.js'
import { decodeEntry, encodeEntry, type EntryKind, isAfter, sentBy } from './relay-entry.js'
import { UnconfirmedUpdates } from './unconfirmed-updates.js'

/**
 * Entries a document's stream keeps (trimmed as it grows, `MAXLEN ~`): minutes of typing, far more
 * than the log's group commit leaves unwritten, and what a node that loads the document replays.
 */
const STREAM_MAX_ENTRIES = 2000
/** An idle document's stream is gone after this (every node holding it renews it). */
const STREAM_TTL_MS = 10 * 60_000
const RENEW_EVERY_MS = 60_000
/** A document left behind (a failed catch-up) is tried again this often, besides when a connection comes back. */
const CATCH_UP_EVERY_MS = 1000
/** A document asks the other nodes for what it lacks at most this often. */
const HELLO_EVERY_MS = 1000
/**
 * Each node says how far its log is durable this often, in a key that lives NODE_TTL_MS: a node
 * whose key is gone is dead, and what it published but never confirmed is written by the others.
 */
const DURABLE_EVERY_MS = 500
const NODE_TTL_MS = 3000
/** How often a node looks whether the nodes it holds unconfirmed updates of are alive. */
const CHECK_ORIGINS_EVERY_MS = 1000
/** A node that stopped cleanly keeps its final word this long. */
const STOPPED_TTL_MS = 60_000
const nodeKey = (id: string) => `stepwise:node:${id}`

/**
 * Appends an entry to a document's stream and publishes it, with the id the stream gave it, on the
 * channel of the same name: one round trip, one script, so the stream's order is the channel's.
 */
export const RELAY_ADD_SCRIPT = `local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[2])
redis.call('PUBLISH', KEYS[1], id .. ' ' .. ARGV[2])
return id`
export type RelayRedis = Redis & { relayAdd(key: string, maxEntries: number, entry: Buffer): Promise<unknown> }

interface Followed {
  doc: RelayedDoc
  key: string
  /** The id of the last entry taken: what comes again (a replay, a message already read) is skipped. */
  lastId: string
  lastHello: number
  /** Messages held while the document is behind (at load, after the subscription broke), taken after the stream's. */
  pending: Array<[id: string, entry: Buffer]> | null
  /** Subscribed to its channel on the subscriber's current connection. */
  listening: boolean
  /** Its stream was read once (the load's replay). */
  loaded: boolean
  catching: boolean
  /** Something happened during a catch-up that calls for another one. */
  again: boolean
}

const OPTIONS: RedisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 }

/**
 * The Yjs relay between nodes, on Redis, in the way of y-redis (a stream per document, the order
 * and the memory of its updates) and Hocuspocus' Redis extension (updates published per document;
 * a node that loads one asks the others for what it lacks); their designs, none of their code.
 * One stream per document, `stepwise:y:{room}:doc` (the room as a hash tag: one Redis Cluster slot
 * per room), and a channel of the same name.
 *
 * - The node that accepts an update logs it and adds it to the stream with its node id; the same
 *   script publishes the entry with its stream id. Every node holding the document is subscribed:
 *   it applies, shows, but never logs what other nodes sent, so each update is stored once, by the
 *   node that took it. (A blocking XREAD over every followed stream, re-issued after each wake, cost
 *   Redis ~100 µs an update at 100 documents and the node a write and a read more: bench/README.md.)
 * - A node that loads a document subscribes, then reads the stream (what other nodes took but may
 *   not have written yet), then says hello with its state vector: every node holding the document
 *   answers with what it lacks (a diff) and its awareness. After its subscription broke, a node
 *   reads each stream again from the last entry it took; the same hello, after Redis comes back,
 *   resyncs what an outage kept apart (and what the stream no longer holds).
 * - Awareness goes through the stream too, one entry per invite link, so that each node's guard
 *   knows whose client ids they are.
 *
 * Redis failing never stops a node: a document is then this node's alone until Redis is back.
 */
export async function connectRedisDocRelay(
  url: string,
  nodeId: string,
  log: Logger,
  /** The log, when several nodes share it: this node writes what a dead node took and never wrote. */
  store: DocStore | null,
): Promise<DocRelay & { close(): Promise<void>; nodeId: string }> {
  const ourId = Buffer.from(nodeId)
  const writer = new Redis(url, OPTIONS) as RelayRedis
  writer.defineCommand('relayAdd', { numberOfKeys: 1, lua: RELAY_ADD_SCRIPT })
  const subscriber = new Redis(url, OPTIONS)
  let failing = false
  const failed = (what: string, err: unknown) => {
    if (!failing) log.warn('redis: the Yjs relay lost its connection; documents on this node carry on alone until it is back', { what, error: String(err) })
    failing = true
  }
  for (const client of [writer, subscriber]) client.on('error', () => {})
  await Promise.all([writer.connect(), subscriber.connect()])

  const followed = new Map<string, Followed>()
  /** Updates this node published; `durable`: how many of them its log surely holds. */
  let published = 0
  let durable = 0
  const unconfirmed = new UnconfirmedUpdates()
  let closed = false

  const add = (key: string, kind: EntryKind, bytes: Uint8Array, fields: { link?: string; count?: number; target?: string; silent?: boolean } = {}) =>
    writer.relayAdd(key, STREAM_MAX_ENTRIES, encodeEntry({ kind, node: nodeId, link: fields.link ?? '', count: fields.count ?? null, target: fields.target ?? '', silent: fields.silent === true, bytes })).then(
      () => {
        failing = false
      },
      (err: unknown) => failed('xadd', err),
    )

  const hello = (f: Followed, force = false) => {
    const now = Date.now()
    if (!force && now - f.lastHello < HELLO_EVERY_MS) return
    f.lastHello = now
    void add(f.key, 'h', f.doc.stateVector())
  }

  /**
   * One entry of a document's stream. This node's own come back too (a channel cannot leave them
   * out): they are told apart by their sender, before anything is decoded. `replay`: the stream
   * read at load, whose hellos and diffs are old news.
   */
  const dispatch = (f: Followed, raw: Buffer, replay: boolean) => {
    if (sentBy(raw, ourId)) return
    const entry = decodeEntry(raw)
    if (!entry || (replay && entry.kind !== 'u' && entry.kind !== 'a')) return
    /** Applied; what it brought is kept until its node says its log holds it. */
    const apply = (linkId: string | null) => {
      const result = f.doc.applyRemote(entry.bytes)
      if (result === 'missing') hello(f)
      else if (result === 'changed' && store) {
        unconfirmed.add(entry.node, { count: entry.count ?? Infinity, roomId: f.doc.roomId, doc: f.doc.name, at: Date.now(), linkId, bytes: entry.bytes })
      }
    }
    switch (entry.kind) {
      case 'u':
        apply(entry.link || null)
        break
      case 'd':
        if (entry.target === nodeId) apply(null)
        break
      case 'a':
        f.doc.applyRemoteAwareness(entry.bytes, entry.link, entry.silent === true)
        break
      case 'h': {
        const diff = f.doc.diff(entry.bytes)
        if (diff) void add(f.key, 'd', diff, { target: entry.node, count: published })
        for (const { update, linkId, silent } of f.doc.awarenessSnapshot()) void add(f.key, 'a', update, { link: linkId, silent })
        break
      }
    }
  }

  /** Takes an entry once, in the stream's order: one read again (a replay, a message met twice) is skipped. */
  const take = (f: Followed, id: string, raw: Buffer, replay = false) => {
    if (!isAfter(id, f.lastId)) return
    f.lastId = id
    dispatch(f, raw, replay)
  }

  subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    const f = followed.get(channel.toString())
    if (!f) return
    const space = message.indexOf(0x20)
    if (space < 0) return
    const id = message.toString('latin1', 0, space)
    const raw = message.subarray(space + 1)
    if (f.pending) f.pending.push([id, raw])
    else take(f, id, raw)
  })

  /**
   * Listens to the document's channel (again), then reads the stream from the last entry taken (all
   * of it the first time, as a replay), holding the messages that arrive meanwhile, then takes those
   * the stream did not hold: the document is live again. Until both connections work it stays
   * behind, holding what arrives; each trigger (a connection back, the periodic look) tries again.
   * One at a time per document. Never rejects.
   */
  const catchUp = async (f: Followed): Promise<void> => {
    if (f.pending === null) return
    if (f.catching) {
      f.again = true
      return
    }
    f.catching = true
    try {
      if (!f.listening) {
        if (subscriber.status !== 'ready') return
        await subscriber.subscribe(f.key)
        f.listening = true
      }
      if (writer.status !== 'ready') return
      do {
        f.again = false
        const entries = await writer.xrangeBuffer(f.key, f.lastId === '0-0' ? '-' : f.lastId, '+', 'COUNT', STREAM_MAX_ENTRIES * 2)
        for (const [id, fields] of entries) {
          const raw = fields[1]
          if (fields[0]?.toString() === 'm' && raw) take(f, id.toString(), raw, !f.loaded)
        }
      } while (f.again && f.listening)
      // The subscription broke while the stream was read: still behind.
      if (!f.listening) return
      f.loaded = true
      const held = f.pending ?? []
      f.pending = null
      for (const [id, raw] of held) take(f, id, raw)
    } catch (err) {
      failed('catch-up', err)
    } finally {
      f.catching = false
      if (f.again && f.pending !== null && followed.get(f.key) === f) void catchUp(f)
    }
  }

  // The subscription broke (Redis went away, or dropped a slow subscriber): every document is behind
  // until its channel is back and its stream read from the last entry taken.
  subscriber.on('close', () => {
    for (const f of followed.values()) {
      f.listening = false
      f.pending ??= []
      if (f.catching) f.again = true
    }
  })
  subscriber.on('ready', () => {
    if (closed) return
    for (const f of followed.values()) void catchUp(f)
  })
  // And a look now and then, for whatever a failed command left behind.
  const lookBehind = setInterval(() => {
    for (const f of followed.values()) if (f.pending !== null) void catchUp(f)
  }, CATCH_UP_EVERY_MS)
  lookBehind.unref()

  // Back after an outage: every document says hello again, so what each node took meanwhile
  // reaches the others (and theirs reaches it).
  let wasDown = false
  writer.on('close', () => (wasDown = true))
  writer.on('ready', () => {
    if (!wasDown) return
    wasDown = false
    log.info('redis: the Yjs relay is back; resyncing documents with the other nodes', { docs: followed.size })
    for (const f of followed.values()) {
      void catchUp(f)
      hello(f, true)
    }
  })

  const renew = setInterval(() => {
    for (const f of followed.values()) writer.pexpire(f.key, STREAM_TTL_MS).catch(() => {})
  }, RENEW_EVERY_MS)
  renew.unref()

  // This node is alive, and its log holds its first `durable` published updates: those published
  // by the last tick whose appends the writer has settled since (never a write sooner than its own).
  // Only with a shared log: without one no node writes another's updates, so none asks.
  let claim: { upTo: number; appended: number } | null = null
  let lastSaid = Date.now()
  const sayDurable = () => {
    if (!store) return
    const now = store.progress()
    if (claim && now.settled >= claim.appended && now.waiting === 0) durable = Math.max(durable, claim.upTo)
    if (!claim || durable >= claim.upTo) claim = { upTo: published, appended: now.appended }
    const sentAt = Date.now()
    writer.set(nodeKey(nodeId), String(durable), 'PX', NODE_TTL_MS).then(
      () => {
        if (sentAt - lastSaid > NODE_TTL_MS) {
          log.warn("this node's key went unrenewed past its life (the node stalled, or lost Redis): other nodes may have taken it for dead and written its unconfirmed updates; the shared log stores each once", { node: nodeId, unrenewedMs: sentAt - lastSaid })
        }
        lastSaid = sentAt
      },
      () => {},
    )
  }
  // Said at once: a node is never taken for dead in the first tick, before its key exists.
  if (store) await writer.set(nodeKey(nodeId), '0', 'PX', NODE_TTL_MS).catch((err: unknown) => failed('set', err))
  const sayingDurable = setInterval(sayDurable, DURABLE_EVERY_MS)
  sayingDurable.unref()

  // The nodes whose updates this node holds unconfirmed: confirmed ones are dropped, a dead one's written.
  let checking = false
  const checkOrigins = setInterval(() => {
    const origins = unconfirmed.origins()
    if (!store || checking || origins.length === 0) return
    checking = true
    writer
      .mget(origins.map(nodeKey))
      .then((marks) => {
        origins.forEach((origin, i) => {
          const mark = marks[i]
          if (mark !== null && mark !== undefined) return unconfirmed.confirm(origin, Number(mark))
          const orphans = unconfirmed.takeOver(origin)
          for (const u of orphans) store.append({ roomId: u.roomId, doc: u.doc, seq: 0, at: u.at, participantId: u.linkId, bytes: u.bytes, resent: true, takenFrom: origin })
          log.warn('a node stopped without writing updates it took; this node writes them', { node: origin, updates: orphans.length })
        })
        const dropped = unconfirmed.takeDropped()
        if (dropped > 0) log.error('updates other nodes took were kept unconfirmed past the limit; the oldest are no longer kept here', { dropped })
      })
      .catch(() => {})
      .finally(() => (checking = false))
  }, CHECK_ORIGINS_EVERY_MS)
  checkOrigins.unref()

  return {
    nodeId,
    async open(doc: RelayedDoc): Promise<RelayLink> {
      const key = `stepwise:y:{${doc.roomId}}:${doc.name}`
      const f: Followed = { doc, key, lastId: '0-0', lastHello: 0, pending: [], listening: false, loaded: false, catching: false, again: false }
      followed.set(key, f)
      // Subscribed first, then the stream read (other nodes' updates the log may lack; applying
      // one again changes nothing): nothing published in between is missed.
      await catchUp(f)
      writer.pexpire(key, STREAM_TTL_MS).catch(() => {})
      hello(f, true)
      return {
        update: (update, linkId) => void add(key, 'u', update, { count: ++published, link: linkId }),
        awareness: (update, linkId, silent) => void add(key, 'a', update, { link: linkId, silent }),
        close: () => {
          if (followed.get(key) !== f) return
          followed.delete(key)
          subscriber.unsubscribe(key).catch(() => {})
        },
      }
    },
    async close() {
      closed = true
      clearInterval(renew)
      clearInterval(sayingDurable)
      clearInterval(lookBehind)
      clearInterval(checkOrigins)
      // Stopped cleanly with its log written (the store closed first): the others need write nothing of ours.
      if (store && (await store.flush().then(() => true, () => false))) {
        await writer.set(nodeKey(nodeId), String(published), 'PX', STOPPED_TTL_MS).catch(() => {})
      }
      subscriber.disconnect()
      await (writer.status === 'ready' ? writer.quit().catch(() => writer.disconnect()) : writer.disconnect())
    },
  }
}
