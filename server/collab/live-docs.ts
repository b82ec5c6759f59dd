import * as Y from 'yjs'
import type { Logger } from '../log.js'
import type { DocRelay } from './doc-relay.js'
import type { DocStore } from './doc-store.js'
import { type DocConnection, LiveDoc } from './live-doc.js'

export interface LiveDocsOptions {
  store: DocStore
  log: Logger
  clock: () => number
  /** A keyframe is stored after this many logged updates of a document. */
  keyframeEvery?: number
  /** The same documents on other nodes (REDIS_URL); none on a single node. */
  relay?: DocRelay | null
}

/** After a failed unload (its updates not durable), the next try. */
const UNLOAD_RETRY_MS = 5_000

/**
 * The documents held in memory. A document loads on its first socket (keyframe + tail) and is
 * unloaded once its last socket has gone and its pending writes are durable.
 */
export class LiveDocs {
  readonly #docs = new Map<string, Promise<LiveDoc>>()
  /** The same documents once loaded, for synchronous counting. */
  readonly #loaded = new Set<LiveDoc>()
  readonly #opts: Required<LiveDocsOptions>

  constructor(opts: LiveDocsOptions) {
    this.#opts = { keyframeEvery: 300, relay: null, ...opts }
  }

  get size(): number {
    return this.#docs.size
  }

  /** Open sockets over every loaded document. */
  get socketCount(): number {
    let n = 0
    for (const doc of this.#loaded) n += doc.conns.size
    return n
  }

  /** Opens (loading if needed) a document and adds the socket to it. */
  async join(roomId: string, name: string, conn: DocConnection): Promise<LiveDoc> {
    const key = `${roomId}/${name}`
    let doc: LiveDoc
    // A document being unloaded right now is destroyed under us: then load it afresh.
    do {
      let pending = this.#docs.get(key)
      if (!pending) {
        pending = this.#load(roomId, name)
        this.#docs.set(key, pending)
        pending.catch(() => this.#docs.delete(key))
      }
      doc = await pending
    } while (doc.destroyed)
    doc.conns.add(conn)
    doc.greet(conn)
    return doc
  }

  /** A loaded document's state now, straight from memory; null when it is not loaded. */
  async stateOf(roomId: string, name: string): Promise<Uint8Array | null> {
    const doc = await this.#docs.get(`${roomId}/${name}`)?.catch(() => null)
    return doc && !doc.destroyed ? Y.encodeStateAsUpdate(doc.ydoc) : null
  }

  /** Removes a socket; unloads the document once nobody is left and its writes are done. */
  leave(doc: LiveDoc, conn: DocConnection): void {
    doc.leave(conn)
    if (doc.conns.size === 0) this.#unloadWhenDurable(doc)
  }

  /**
   * Unloads a document nobody has open once every update it logged is durable. Until then it stays
   * in memory, where a returning socket finds it: the store loads only what the database has, so a
   * document must never be dropped with updates still queued. On a failed write the unload is
   * tried again later.
   */
  #unloadWhenDurable(doc: LiveDoc): void {
    const key = `${doc.roomId}/${doc.name}`
    // The flush covers every update logged so far; one logged after it began waits for its own try.
    // The room's own only: another room whose rows the database refuses never keeps this one loaded.
    const seq = doc.seq
    this.#opts.store.flush(doc.roomId).then(
      async () => {
        // Someone may have joined (and written) while we flushed: then it stays.
        if (doc.conns.size > 0 || doc.seq !== seq || (await this.#docs.get(key)?.catch(() => null)) !== doc) return
        this.#docs.delete(key)
        this.#loaded.delete(doc)
        doc.destroy()
      },
      (err) => {
        this.#opts.log.warn('flush before unload failed; the document stays in memory', { room: doc.roomId, doc: doc.name, error: String(err) })
        setTimeout(() => {
          if (doc.conns.size === 0 && !doc.destroyed) this.#unloadWhenDurable(doc)
        }, UNLOAD_RETRY_MS).unref()
      },
    )
  }

  /** Closes every socket on the documents of a room (e.g. a new round made them read-only). */
  async closeRoom(roomId: string, code: number, reason: string): Promise<void> {
    const docs = await Promise.allSettled(this.#docs.values())
    for (const d of docs) {
      if (d.status === 'fulfilled' && d.value.roomId === roomId) for (const conn of d.value.conns) conn.close(code, reason)
    }
  }

  /** Every open socket, for revocation and shutdown. */
  async connections(): Promise<DocConnection[]> {
    const docs = await Promise.allSettled(this.#docs.values())
    return docs.flatMap((d) => (d.status === 'fulfilled' ? [...d.value.conns] : []))
  }

  /**
   * Replaces a document whose memory may differ from the log (Yjs threw half-way through an update
   * that passed every check: never seen, but memory must not keep what the log lacks). Newcomers
   * wait for a copy loaded from the log once its queued updates are written; its sockets are
   * closed with 1011, so providers reconnect to that copy and resync what they have.
   */
  #reload(doc: LiveDoc): void {
    const key = `${doc.roomId}/${doc.name}`
    this.#opts.log.error('a document diverged from its log; reloading it', { room: doc.roomId, doc: doc.name })
    const fresh = this.#opts.store.flush(doc.roomId).then(() => this.#load(doc.roomId, doc.name))
    this.#docs.set(key, fresh)
    fresh.catch(() => {
      if (this.#docs.get(key) === fresh) this.#docs.delete(key)
    })
    this.#loaded.delete(doc)
    for (const conn of doc.conns) conn.close(1011, 'the document is reloading')
    doc.destroy()
  }

  async #load(roomId: string, name: string): Promise<LiveDoc> {
    const started = performance.now()
    const stored = await this.#opts.store.load(roomId, name)
    const doc = new LiveDoc(roomId, name, stored.lastSeq, this.#opts.store, this.#opts.keyframeEvery, this.#opts.clock)
    doc.restore(stored.keyframe, stored.tail)
    doc.onBroken = (broken) => this.#reload(broken)
    // Before any socket is served: what other nodes took and may not have written yet.
    if (this.#opts.relay) doc.relay = await this.#opts.relay.open(doc)
    this.#loaded.add(doc)
    this.#opts.log.debug('doc loaded', {
      room: roomId,
      doc: name,
      tail: stored.tail.length,
      ms: Math.round(performance.now() - started),
    })
    return doc
  }
}
