/**
 * In-process CPU cost of the Yjs hot path, per incoming update, without sockets: what LiveDoc
 * does for one update (validate, apply, log, keyframe, encode the broadcast), against what the
 * reference server does (apply, encode, send to everyone), on the same stream of real updates
 * from three clients typing. Prints µs of CPU per update. Usage: tsx bench/hot-path.ts [updates]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import type { DocStore } from '../server/collab/doc-store.js'
import { type DocConnection, LiveDoc } from '../server/collab/live-doc.js'
import { checkUpdate } from '../server/collab/update-check.js'
import { createPgDocStore } from '../server/collab/pg-doc-store.js'
import { loadConfig } from '../server/config.js'
import { openDatabase } from '../server/db/client.js'
import { createLogger } from '../server/log.js'

const N = Number(process.argv[2] ?? 30_000)

/** N real update messages (sync/update frames) from three clients typing in turn. */
function makeMessages(): Uint8Array[] {
  const people = [0, 1, 2].map(() => new Y.Doc())
  const out: Uint8Array[] = []
  for (const p of people) {
    p.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 0)
      syncProtocol.writeUpdate(e, u)
      out.push(encoding.toUint8Array(e))
      for (const q of people) if (q !== p) Y.applyUpdate(q, u, 'remote')
    })
  }
  for (let i = 0; i < N; i++) {
    const p = people[Math.floor(i / 20) % 3]!
    const t = p.getText('notes:clarify')
    t.insert(t.length, 'x')
  }
  return out
}

/** The update inside a sync/update message (readSyncMessage: type, sub-type, update bytes). */
function updateIn(message: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(message)
  decoding.readVarUint(d)
  decoding.readVarUint(d)
  return decoding.readVarUint8Array(d)
}

function cpu<T>(fn: () => T): { us: number; result: T } {
  const before = process.cpuUsage()
  const result = fn()
  const d = process.cpuUsage(before)
  return { us: d.user + d.system, result }
}

const nullStore: DocStore = {
  load: async () => ({ keyframe: null, tail: [], lastSeq: 0 }),
  append() {},
  keyframeDue() {},
  flush: async () => {},
  progress: () => ({ appended: 0, settled: 0, waiting: 0 }),
  close: async () => {},
}

function conns(n: number): DocConnection[] {
  return Array.from({ length: n }, (_, i) => ({ linkId: `l${i}`, canWrite: true, awarenessIds: new Set(), send() {}, close() {} }))
}

async function stepwise(messages: Uint8Array[], store: DocStore, label: string) {
  const live = new LiveDoc('bench', 'board', 0, store, 300, Date.now)
  const cs = conns(3)
  for (const c of cs) live.conns.add(c)
  const { us } = cpu(() => {
    for (let i = 0; i < messages.length; i++) live.receive(cs[Math.floor(i / 20) % 3]!, messages[i]!)
  })
  const flush = cpu(() => store.flush())
  await flush.result
  live.destroy()
  console.log(`${label}: ${(us / messages.length).toFixed(2)} µs/update (apply path)`)
}

function reference(messages: Uint8Array[]) {
  // What @y/websocket-server does per update: decode, apply, and on 'update' encode one message for every connection.
  const doc = new Y.Doc()
  const sent: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    syncProtocol.writeUpdate(e, update)
    const m = encoding.toUint8Array(e)
    for (let i = 0; i < 3; i++) sent.push(m)
    if (sent.length > 1000) sent.length = 0
  })
  const { us } = cpu(() => {
    for (const m of messages) {
      Y.applyUpdate(doc, updateIn(m), 'conn')
    }
  })
  console.log(`reference-like: ${(us / messages.length).toFixed(2)} µs/update`)
}

/**
 * What the integrity check costs on its own: the same stream applied with and without
 * checkUpdate in front (and, for comparison, with the full Y.decodeUpdate the server ran before).
 */
function checkCost(messages: Uint8Array[]) {
  const updates = messages.map(updateIn)
  const run = (before: (doc: Y.Doc, u: Uint8Array) => void) => {
    const doc = new Y.Doc()
    const { us } = cpu(() => {
      for (const u of updates) {
        before(doc, u)
        Y.applyUpdate(doc, u)
      }
    })
    doc.destroy()
    return us / updates.length
  }
  // Warm up all three, then measure each twice and keep the lower (JIT and GC noise).
  const variants = {
    apply: () => {},
    check: (doc: Y.Doc, u: Uint8Array) => {
      if (checkUpdate(doc, u).kind !== 'complete') throw new Error('a real update was not complete')
    },
    decodeUpdate: (_doc: Y.Doc, u: Uint8Array) => void Y.decodeUpdate(u),
  }
  for (const v of Object.values(variants)) run(v)
  const best = (v: (doc: Y.Doc, u: Uint8Array) => void) => Math.min(run(v), run(v))
  const apply = best(variants.apply)
  const check = best(variants.check) - apply
  const decode = best(variants.decodeUpdate) - apply
  console.log(`checkUpdate: ${check.toFixed(2)} µs/update over apply alone (${apply.toFixed(2)} µs); Y.decodeUpdate, the check before: ${decode.toFixed(2)} µs`)
}

const messages = makeMessages()
console.log(`${messages.length} update messages, ${(messages.reduce((s, m) => s + m.length, 0) / messages.length).toFixed(1)} bytes on average`)
reference(messages)
checkCost(messages)
await stepwise(messages, nullStore, 'stepwise, no log')
const dir = mkdtempSync(join(tmpdir(), 'stepwise-hot-'))
const database = await openDatabase({ dataDir: dir })
const store = createPgDocStore(database.db, database.logWriter, createLogger('error'), loadConfig({}).FLUSH_INTERVAL_MS)
const before = process.cpuUsage()
await stepwise(messages, store, 'stepwise, PGlite log')
const total = process.cpuUsage(before)
console.log(`stepwise, PGlite log incl. writes: ${((total.user + total.system) / messages.length).toFixed(2)} µs/update`)
await store.close()
await database.close()
rmSync(dir, { recursive: true, force: true })
