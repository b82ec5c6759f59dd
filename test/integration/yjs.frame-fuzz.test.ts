import { describe, expect, it } from 'vitest'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import type { DocStore, LoggedUpdate, StoredDoc } from '../../server/collab/doc-store.js'
import type { DocConnection, LiveDoc } from '../../server/collab/live-doc.js'
import { LiveDocs } from '../../server/collab/live-docs.js'
import { createLogger } from '../../server/log.js'
import { addNode, connectY, createRoom, waitFor } from '../helpers/clients.js'
import { dbKind, serverPerSuite } from '../helpers/server.js'
import { awarenessMessage, canonical, liveDoc, logDoc, rawY, updateMessage } from '../helpers/yjs-raw.js'

/**
 * A seeded random-frame fuzz of the Yjs socket. Frames are well framed y-websocket messages
 * around real updates from simulated clients (in order, out of order, repeated), updates with
 * bytes flipped, cut or inserted, updates from unknown clients and clocks, awareness for own and
 * foreign client ids, sync step 1s, and garbage. After every frame the server refuses, the live
 * document equals the one rebuilt from the log; a second room, fed only valid edits meanwhile,
 * ends exactly as its clients are.
 *
 * FUZZ_FRAMES (default 100,000; 1,000,000 under `npm run fuzz`) and FUZZ_SEED set the run.
 */
const LONG = process.env.npm_lifecycle_event === 'fuzz'
const FRAMES = Number(process.env.FUZZ_FRAMES ?? (LONG ? 1_000_000 : 100_000))
const SEED = Number(process.env.FUZZ_SEED ?? 20261207)
/** The frames of the same fuzz that also go through a real server and database, over real sockets. */
/** Frames per room before the next room starts (a board's worth of edits). */
const ROOM_FRAMES = 1_000
const SOCKET_FRAMES = Math.min(FRAMES, Number(process.env.FUZZ_SOCKET_FRAMES ?? (LONG ? 30_000 : 3_000)))

/** mulberry32: a small seeded PRNG, so a failure replays from its seed. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  }
}
type Rng = ReturnType<typeof prng>

/** The log as a list, which is what the server's store interface asks of a store. */
class MemoryStore implements DocStore {
  readonly rows = new Map<string, LoggedUpdate[]>()
  async load(roomId: string, doc: string): Promise<StoredDoc> {
    const rows = this.rows.get(`${roomId}/${doc}`) ?? []
    return { keyframe: null, tail: rows.map((r) => r.bytes), lastSeq: rows.at(-1)?.seq ?? 0 }
  }
  append(u: LoggedUpdate): void {
    const key = `${u.roomId}/${u.doc}`
    if (!this.rows.has(key)) this.rows.set(key, [])
    this.rows.get(key)!.push({ ...u, bytes: u.bytes.slice() })
  }
  keyframeDue(): void {}
  async flush(): Promise<void> {}
  progress() {
    // Every append is stored at once.
    let n = 0
    for (const rows of this.rows.values()) n += rows.length
    return { appended: n, settled: n, waiting: 0 }
  }
  async close(): Promise<void> {}
  rebuild(roomId: string): Y.Doc {
    const doc = new Y.Doc()
    for (const r of this.rows.get(`${roomId}/board`) ?? []) Y.applyUpdate(doc, r.bytes)
    return doc
  }
}

/** One simulated client: its own document, and what it sent, for out-of-order and repeats. */
interface SimClient {
  doc: Y.Doc
  sent: Uint8Array[]
}

const STEPS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor']

/** A random edit the web client could make; returns the update it produced. */
function edit(rng: Rng, doc: Y.Doc): Uint8Array | null {
  let update: Uint8Array | null = null
  const grab = (u: Uint8Array) => (update = u)
  doc.once('update', grab)
  const nodes = doc.getMap<Y.Map<unknown>>('nodes')
  const ids = [...nodes.keys()]
  switch (rng.int(6)) {
    case 0:
      addNode(doc, `n${rng.int(40)}`, { label: `part ${rng.int(100)}`, x: rng.int(800), y: rng.int(600) })
      break
    case 1:
      if (ids.length) nodes.get(rng.pick(ids))?.set('x', rng.int(800))
      break
    case 2:
      if (ids.length) nodes.delete(rng.pick(ids))
      break
    case 3: {
      const t = doc.getText(`notes:${rng.pick(STEPS)}`)
      t.insert(rng.int(t.length + 1), rng.pick(['feature store ', 'NDCG', 'x', 'two-tower ', '\n']))
      break
    }
    case 4: {
      const t = doc.getText(`notes:${rng.pick(STEPS)}`)
      if (t.length) t.delete(rng.int(t.length), 1 + rng.int(Math.min(5, t.length)))
      break
    }
    default:
      if (ids.length > 1) {
        const e = new Y.Map<unknown>()
        doc.transact(() => {
          e.set('source', rng.pick(ids))
          e.set('target', rng.pick(ids))
          e.set('label', 'events')
          doc.getMap('edges').set(`e${rng.int(30)}`, e)
        })
      }
  }
  doc.off('update', grab)
  return update
}

/** A mutated copy: a flipped byte, a cut, bytes inserted, or a varint's worth of random. */
function mutate(rng: Rng, bytes: Uint8Array): Uint8Array {
  const b = bytes.slice()
  switch (rng.int(4)) {
    case 0:
      b[rng.int(b.length)] = rng.int(256)
      return b
    case 1:
      return b.subarray(0, rng.int(b.length))
    case 2: {
      const at = rng.int(b.length + 1)
      const extra = Uint8Array.from({ length: 1 + rng.int(4) }, () => rng.int(256))
      return Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)])
    }
    default: {
      for (let i = 0; i < 3; i++) {
        const at = rng.int(b.length)
        b[at] = b[at]! ^ (1 << rng.int(8))
      }
      return b
    }
  }
}

const syncMessage = (sub: number, payload: Uint8Array) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, sub)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

/** One random frame from one of the clients (which may also edit its document to make it). */
function frame(rng: Rng, clients: SimClient[], serverSv: () => Uint8Array): Uint8Array {
  const c = rng.pick(clients)
  const roll = rng.next()
  if (roll < 0.35) {
    const u = edit(rng, c.doc)
    if (!u) return updateMessage(Y.encodeStateAsUpdate(c.doc, serverSv()))
    c.sent.push(u)
    return updateMessage(u)
  }
  if (roll < 0.45 && c.sent.length) return updateMessage(rng.pick(c.sent)) // a repeat, or out of order
  if (roll < 0.6 && c.sent.length) return mutate(rng, updateMessage(rng.pick(c.sent)))
  if (roll < 0.67) return syncMessage(1, Y.encodeStateAsUpdate(c.doc, serverSv())) // what a provider's step 2 carries
  if (roll < 0.72) {
    // The client's state from a state vector that claims more or less than the server has: gaps.
    const sv = Y.decodeStateVector(serverSv())
    for (const [client, clock] of sv) sv.set(client, Math.max(0, clock + rng.int(5) - 2))
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, sv.size)
    for (const [client, clock] of sv) {
      encoding.writeVarUint(enc, client)
      encoding.writeVarUint(enc, clock)
    }
    return updateMessage(Y.encodeStateAsUpdate(c.doc, encoding.toUint8Array(enc)))
  }
  if (roll < 0.8) {
    const id = rng.chance(0.5) ? c.doc.clientID : rng.pick(clients).doc.clientID + rng.int(3)
    const state = rng.chance(0.15) ? null : { user: { name: `p${rng.int(9)}`, color: '#334455' }, pointer: { x: rng.int(900), y: rng.int(900) } }
    const m = awarenessMessage([{ clientId: id, clock: 1 + rng.int(50), state }])
    return rng.chance(0.2) ? mutate(rng, m) : m
  }
  if (roll < 0.85) return syncMessage(0, Y.encodeStateVector(c.doc)) // sync step 1
  if (roll < 0.9) return rng.chance(0.5) ? new Uint8Array([3]) : new Uint8Array([rng.int(8), rng.int(4)])
  return Uint8Array.from({ length: 1 + rng.int(40) }, () => rng.int(256))
}

describe(`seeded random-frame fuzz of the Yjs socket (seed ${SEED})`, () => {
  it(`${FRAMES.toLocaleString('en')} frames: after every refused one the live document equals the log's, and another room is untouched`, async () => {
    const store = new MemoryStore()
    const docs = new LiveDocs({ store, log: createLogger('silent'), clock: () => 0 })
    const rng = prng(SEED)
    /** A socket of one client: relays from the server reach its document, as a provider's would. */
    const connect = async (roomId: string, sim: SimClient | null) => {
      const conn: DocConnection & { closed: number | null } = {
        linkId: 'fuzz',
        canWrite: true,
        awarenessIds: new Set(),
        closed: null,
        send(m) {
          if (sim && m[0] === 0 && m[1] === 2) {
            // A relay: what the server accepted from another socket.
            const d = decoding.createDecoder(m)
            decoding.readVarUint(d)
            decoding.readVarUint(d)
            Y.applyUpdate(sim.doc, decoding.readVarUint8Array(d))
          }
        },
        close(code) {
          this.closed = code
        },
      }
      const doc = await docs.join(roomId, 'board', conn)
      return { conn, doc }
    }
    const other = await connect('quiet', null)
    const otherDoc = new Y.Doc()
    let refused = 0
    let accepted = 0
    // Rooms of ROOM_FRAMES frames each, so documents stay the size of a real board.
    for (let start = 0, r = 0; start < FRAMES; start += ROOM_FRAMES, r++) {
      const roomId = `fuzz${r}`
      const clients: SimClient[] = Array.from({ length: 3 }, (_, i) => {
        const doc = new Y.Doc()
        doc.clientID = 1000 + i
        return { doc, sent: [] }
      })
      const sockets = await Promise.all(clients.map((c) => connect(roomId, c)))
      const serverSv = () => Y.encodeStateVector(sockets[0]!.doc.ydoc)
      const logged = () => store.rows.get(`${roomId}/board`) ?? []
      const replica = new Y.Doc()
      let replicated = 0
      for (let i = start; i < Math.min(FRAMES, start + ROOM_FRAMES); i++) {
        const at = rng.int(clients.length)
        const sim = clients[at]!
        const sock = sockets[at]!
        const bytes = frame(rng, [sim], serverSv)
        const before = logged().length
        let threw = false
        try {
          sock.doc.receive(sock.conn, bytes)
        } catch {
          threw = true
        }
        const live: LiveDoc = sock.doc
        const where = `frame ${i} (seed ${SEED}): ${Buffer.from(bytes).toString('hex').slice(0, 200)}`
        if (threw || sock.conn.closed !== null) {
          refused++
          // Nothing of a refused frame reached the log, and memory is what the log holds.
          expect(logged().length, where).toBe(before)
          for (; replicated < logged().length; replicated++) Y.applyUpdate(replica, logged()[replicated]!.bytes)
          expect(live.ydoc.store.pendingStructs, `${where}: pending structs`).toBeNull()
          expect(live.ydoc.store.pendingDs, `${where}: pending deletions`).toBeNull()
          expect(canonical(live.ydoc), where).toEqual(canonical(replica))
          // The client reconnects, as a provider does, and resyncs (its step 2 is a frame like any).
          docs.leave(live, sock.conn)
          sockets[at] = await connect(roomId, sim)
          sockets[at]!.doc.receive(sockets[at]!.conn, syncMessage(1, Y.encodeStateAsUpdate(sim.doc, serverSv())))
          // Its own state came from valid edits and relays: the resync is always taken.
          expect(sockets[at]!.conn.closed, `${where}: resync refused`).toBeNull()
        } else accepted++
        if (i % 97 === 0) {
          const u = edit(rng, otherDoc)
          if (u) other.doc.receive(other.conn, updateMessage(u))
        }
      }
      // Every client, synced with the server, holds what the server and the log hold.
      const live = sockets[0]!.doc.ydoc
      clients.forEach((c, at) => {
        sockets[at]!.doc.receive(sockets[at]!.conn, syncMessage(1, Y.encodeStateAsUpdate(c.doc, Y.encodeStateVector(live))))
        expect(sockets[at]!.conn.closed).toBeNull()
      })
      for (const c of clients) Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(live))
      for (const c of clients) expect(canonical(c.doc), `room ${roomId} (seed ${SEED})`).toEqual(canonical(live))
      expect(canonical(live), `room ${roomId} rebuilt from its log (seed ${SEED})`).toEqual(canonical(store.rebuild(roomId)))
      for (const [at, s] of sockets.entries()) {
        docs.leave(s.doc, s.conn)
        clients[at]!.doc.destroy()
      }
    }
    expect(canonical(other.doc.ydoc)).toEqual(canonical(otherDoc))
    expect(canonical(store.rebuild('quiet'))).toEqual(canonical(otherDoc))
    expect(other.conn.closed).toBeNull()
    // The run did reach both sides of the rule.
    expect(refused).toBeGreaterThan(FRAMES / 20)
    expect(accepted).toBeGreaterThan(FRAMES / 5)
    console.log(`frame fuzz seed ${SEED}: ${FRAMES} frames, ${accepted} taken, ${refused} refused`)
  }, 3_600_000)

  describe(`through a real server and database (${dbKind})`, () => {
    // Thousands of reconnects from one address: the per-address limit is not what this tests.
    const env = serverPerSuite({ env: { RATE_LIMIT_CONNECTIONS_PER_MINUTE: '0' } })

    it(`${SOCKET_FRAMES.toLocaleString('en')} frames over real sockets: the server stays up, another room is untouched, and the live document equals the log`, async () => {
      const s = env.server
      const { room, tokens } = await createRoom(s.url)
      const quiet = await createRoom(s.url)
      const watcher = connectY(s.url, quiet.room.id, quiet.tokens.interviewer)
      const writer = connectY(s.url, quiet.room.id, quiet.tokens.candidate)
      env.cleanup.push(() => watcher.destroy(), () => writer.destroy())
      await Promise.all([watcher.synced, writer.synced])
      const rng = prng(SEED + 1)
      const sims: SimClient[] = [0, 1].map((i) => {
        const doc = new Y.Doc()
        doc.clientID = 5000 + i
        return { doc, sent: [] }
      })
      const sockets = sims.map(() => rawY(s, room.id, tokens.candidate))
      await Promise.all(sockets.map((x) => x.greeted))
      let reconnects = 0
      const serverSv = () => {
        const d = new Y.Doc()
        for (const sim of sims) Y.applyUpdate(d, Y.encodeStateAsUpdate(sim.doc))
        return Y.encodeStateVector(d)
      }
      for (let i = 0; i < SOCKET_FRAMES; i++) {
        const at = rng.int(sims.length)
        if (sockets[at]!.ws.readyState !== sockets[at]!.ws.OPEN) {
          reconnects++
          sockets[at] = rawY(s, room.id, tokens.candidate)
          await sockets[at]!.greeted
        }
        sockets[at]!.send(frame(rng, [sims[at]!], serverSv))
        if (i % 50 === 0) {
          addNode(writer.doc, `q${i}`)
          await sockets[at]!.sendAndSettle(new Uint8Array([3]))
        }
      }
      for (const x of sockets) x.ws.close()
      await waitFor(async () => watcher.doc.getMap('nodes').size === writer.doc.getMap('nodes').size, { what: 'the quiet room' })
      expect(canonical(watcher.doc)).toEqual(canonical(writer.doc))
      const res = await fetch(`${s.url}/api/health`)
      expect(res.status).toBe(200)
      const live = await liveDoc(s, room.id)
      if (live) expect(canonical(live)).toEqual(canonical(await logDoc(s, room.id)))
      expect(canonical((await liveDoc(s, quiet.room.id))!)).toEqual(canonical(await logDoc(s, quiet.room.id)))
      expect(reconnects).toBeGreaterThan(0)
    }, 1_800_000)
  })
})
