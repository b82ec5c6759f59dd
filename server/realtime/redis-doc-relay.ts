import { Redis, type RedisOptions } from 'ioredis'
import type { DocRelay, RelayedDoc, RelayLink } from '../collab/doc-relay.js'
import type { DocStore } from '../collab/doc-store.js'
import type { Logger } from '../log.js'
import { UnconfirmedUpdates } from './unconfirmed-updates.js'

/**
 * Entries a document's stream keeps (trimmed as it grows, `MAXLEN ~`): minutes of typing, far more
 * than the log's group commit leaves unwritten, and what a node that loads the document replays.
 */
const STREAM_MAX_ENTRIES = 2000
/** An idle document's stream is gone after this (every node holding it renews it). */
const STREAM_TTL_MS = 10 * 60_000
const RENEW_EVERY_MS = 60_000
/** Entries one read takes at most; a blocking read waits this long for news before looking again. */
const READ_COUNT = 1000
const READ_BLOCK_MS = 5000
/** After a failed read (Redis away), the next try. */
const READ_RETRY_MS = 250
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

/** Entry kinds: an update, an awareness update, a node's state vector (hello) and another's answer to it (diff). */
type Kind = 'u' | 'a' | 'h' | 'd'

interface Followed {
  doc: RelayedDoc
  key: string
  /** The id of the last entry read (reads continue after it). */
  lastId: string
  lastHello: number
}

const OPTIONS: RedisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 }

/**
 * The Yjs relay between nodes, on Redis Streams, in the way of y-redis and Hocuspocus' Redis
 * extension (their designs, none of their code): one stream per document, `stepwise:y:{room}:doc`
 * (the room as a hash tag: one Redis Cluster slot per room).
 *
 * - The node that accepts an update logs it and `XADD`s it with its node id; every node holding
 *   the document reads the stream (one blocking `XREAD` over all of them) and applies, shows, but
 *   never logs what other nodes sent, so each update is stored once, by the node that took it.
 * - A node that loads a document from the log first replays the stream (which holds what other
 *   nodes took but may not have written yet), then follows it, and says hello with its state
 *   vector: every node holding the document answers with what it lacks (a diff) and its
 *   awareness. The same hello, after Redis comes back, resyncs what an outage kept apart.
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
  const writer = new Redis(url, OPTIONS)
  const reader = new Redis(url, OPTIONS)
  let failing = false
  const failed = (what: string, err: unknown) => {
    if (!failing) log.warn('redis: the Yjs relay lost its connection; documents on this node carry on alone until it is back', { what, error: String(err) })
    failing = true
  }
  for (const client of [writer, reader]) client.on('error', () => {})
  await Promise.all([writer.connect(), reader.connect()])
  let readerId = Number(await reader.client('ID'))

  const followed = new Map<string, Followed>()
  /** Updates this node published; `durable`: how many of them its log surely holds. */
  let published = 0
  let durable = 0
  const unconfirmed = new UnconfirmedUpdates()
  let closed = false
  let blocked = false
  let wake: (() => void) | null = null

  const add = (key: string, kind: Kind, bytes: Uint8Array, extra: string[] = []) =>
    writer.xaddBuffer(key, 'MAXLEN', '~', STREAM_MAX_ENTRIES, '*', 'n', nodeId, 'k', kind, 'b', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), ...extra).then(
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
   * One entry of a document's stream. This node's own come back too (XREAD cannot leave them out):
   * they are told apart by their first field, `n` (every entry starts with it), before anything is
   * decoded. `replay`: the stream read at load, whose hellos and diffs are old news.
   */
  const dispatch = (f: Followed, fields: Buffer[], replay = false) => {
    if (fields[1]?.equals(ourId)) return
    const entry: Record<string, Buffer> = {}
    for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]!.toString()] = fields[i + 1]!
    const from = entry.n?.toString()
    const kind = entry.k?.toString() as Kind | undefined
    const bytes = entry.b
    if (!from || !bytes || (replay && kind !== 'u' && kind !== 'a')) return
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    /** Applied; what it brought is kept until its node says its log holds it. */
    const apply = (linkId: string | null) => {
      const result = f.doc.applyRemote(data)
      if (result === 'missing') hello(f)
      else if (result === 'changed' && store) {
        unconfirmed.add(from, { count: Number(entry.c?.toString() ?? Infinity), roomId: f.doc.roomId, doc: f.doc.name, at: Date.now(), linkId, bytes: data })
      }
    }
    switch (kind) {
      case 'u':
        apply(entry.l?.toString() ?? null)
        break
      case 'd':
        if (entry.t?.toString() === nodeId) apply(null)
        break
      case 'a':
        f.doc.applyRemoteAwareness(data, entry.l?.toString() ?? '')
        break
      case 'h': {
        const diff = f.doc.diff(data)
        if (diff) void add(f.key, 'd', diff, ['t', from, 'c', String(published)])
        for (const { update, linkId } of f.doc.awarenessSnapshot()) void add(f.key, 'a', update, ['l', linkId])
        break
      }
    }
  }

  const readLoop = async () => {
    while (!closed) {
      if (followed.size === 0) {
        await new Promise<void>((resolve) => (wake = resolve))
        wake = null
        continue
      }
      const all = [...followed.values()]
      let result: Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null
      try {
        blocked = true
        result = (await reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', ...all.map((f) => f.key), ...all.map((f) => f.lastId))) as typeof result
      } catch (err) {
        blocked = false
        if (closed) return
        failed('xread', err)
        await new Promise((r) => setTimeout(r, READ_RETRY_MS))
        continue
      } finally {
        blocked = false
      }
      if (!result) continue
      for (const [keyBuf, entries] of result) {
        const f = followed.get(keyBuf.toString())
        if (!f) continue
        for (const [id, fields] of entries) {
          f.lastId = id.toString()
          dispatch(f, fields)
        }
      }
    }
  }

  /** The blocking read takes the new set of streams at once. */
  const refollow = () => {
    if (wake) wake()
    else if (blocked) writer.client('UNBLOCK', readerId).catch(() => {})
  }

  // Back after an outage: a new connection id for the reader, and every document says hello again,
  // so what each node took meanwhile reaches the others (and theirs reaches it).
  let wasDown = false
  writer.on('close', () => (wasDown = true))
  writer.on('ready', () => {
    if (!wasDown) return
    wasDown = false
    log.info('redis: the Yjs relay is back; resyncing documents with the other nodes', { docs: followed.size })
    for (const f of followed.values()) hello(f, true)
  })
  reader.on('ready', () => {
    reader.client('ID').then(
      (id) => (readerId = Number(id)),
      () => {},
    )
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
  const sayDurable = setInterval(() => {
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
  }, DURABLE_EVERY_MS)
  sayDurable.unref()

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

  void readLoop()

  return {
    nodeId,
    async open(doc: RelayedDoc): Promise<RelayLink> {
      const key = `stepwise:y:{${doc.roomId}}:${doc.name}`
      const f: Followed = { doc, key, lastId: '0-0', lastHello: 0 }
      // What the stream holds now: other nodes' updates the log may lack (applying one again changes nothing).
      try {
        const entries = await writer.xrangeBuffer(key, '-', '+', 'COUNT', STREAM_MAX_ENTRIES * 2)
        for (const [id, fields] of entries) {
          f.lastId = id.toString()
          dispatch(f, fields, true)
        }
        writer.pexpire(key, STREAM_TTL_MS).catch(() => {})
      } catch (err) {
        failed('xrange', err)
      }
      followed.set(key, f)
      refollow()
      hello(f, true)
      return {
        update: (update, linkId) => void add(key, 'u', update, ['c', String(++published), 'l', linkId]),
        awareness: (update, linkId) => void add(key, 'a', update, ['l', linkId]),
        close: () => {
          if (followed.get(key) !== f) return
          followed.delete(key)
          refollow()
        },
      }
    },
    async close() {
      closed = true
      clearInterval(renew)
      clearInterval(sayDurable)
      clearInterval(checkOrigins)
      wake?.()
      // Stopped cleanly with its log written (the store closed first): the others need write nothing of ours.
      if (store && (await store.flush().then(() => true, () => false))) {
        await writer.set(nodeKey(nodeId), String(published), 'PX', STOPPED_TTL_MS).catch(() => {})
      }
      // The reader may be blocked in XREAD for seconds: it is dropped, not asked to quit.
      reader.disconnect()
      await (writer.status === 'ready' ? writer.quit().catch(() => writer.disconnect()) : writer.disconnect())
    },
  }
}
