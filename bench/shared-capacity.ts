/**
 * `npm run bench:capacity`: what the shared parts of a multi-node deployment take on this machine,
 * the figures that say when one Redis or one Postgres is no longer enough (README, "Sharding").
 *
 * 1. A Redis round trip: PING from ioredis, and an entry added the relay's way (its script:
 *    XADD to the document's stream and PUBLISH with the stream id) until another connection's
 *    subscription has it (what the Yjs relay adds to a cross-node edit).
 * 2. One document's stream: entries in the relay's own shape (node id, kind, a 40-byte update,
 *    count, link; `MAXLEN ~ 2000`) added through the script as fast as one connection pipelines
 *    them, with one node subscribed. The most one room can take; rooms spread over streams (and,
 *    in a Redis Cluster, over slots by their `{roomId}` hash tag).
 * 3. One Postgres taking the shared log (`postgresSharedLogWriter`, the real writer: advisory
 *    locks per document, the database numbering the rows): two writers (two nodes) writing
 *    batches of 200 rows as fast as they can, over 100 documents, and over one document that
 *    both write (the lock then serialises them).
 *
 * Redis is a redis-server of the bench's own; Postgres is the machine's (BENCH_DATABASE_URL,
 * DATABASE_URL or postgres://postgres@127.0.0.1:5432/test), on a fresh database dropped after.
 * The bench process, Redis and Postgres share the two cores: the rates are what this machine does
 * with everything on it, a floor for a deployment with Redis and Postgres on machines of their own.
 *
 *   tsx bench/shared-capacity.ts [--seconds 5]
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import type { LoggedUpdate } from '../server/collab/doc-store.js'
import { type Database, openDatabase } from '../server/db/client.js'
import { encodeEntry } from '../server/realtime/relay-entry.js'
import { RELAY_ADD_SCRIPT, type RelayRedis } from '../server/realtime/redis-doc-relay.js'
import { cpuMicros, postgresBackendsCpuMicros } from './proc.js'
import { createBenchDatabase, freePort } from './servers.js'

const { values: opt } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } })
const WINDOW_MS = Number(opt.seconds) * 1000

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const lines: string[] = []
const say = (line: string) => {
  lines.push(line)
  process.stderr.write(line + '\n')
}

const port = await freePort()
const redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
const url = `redis://127.0.0.1:${port}`
await new Promise((r) => setTimeout(r, 500))
const writer = new Redis(url) as RelayRedis
writer.defineCommand('relayAdd', { numberOfKeys: 1, lua: RELAY_ADD_SCRIPT })
const subscriber = new Redis(url)
const update = Buffer.alloc(40, 7)
const entry = (key: string, n: number) => writer.relayAdd(key, 2000, encodeEntry({ kind: 'u', node: 'a1b2c3d4e5f6', link: 'link01234567', count: n, target: '', bytes: update }))
const received = new Map<string, number>()
let onMessage: (() => void) | null = null
subscriber.on('messageBuffer', (channel: Buffer) => {
  const key = channel.toString()
  received.set(key, (received.get(key) ?? 0) + 1)
  onMessage?.()
})

try {
  // 1. Round trips.
  for (let i = 0; i < 200; i++) await writer.ping()
  const pings: number[] = []
  for (let i = 0; i < 2000; i++) {
    const t = performance.now()
    await writer.ping()
    pings.push((performance.now() - t) * 1000)
  }
  const delivery: number[] = []
  const key = 'bench:{room}:rtt'
  await subscriber.subscribe(key)
  for (let i = 0; i < 1000; i++) {
    const got = new Promise<void>((resolve) => (onMessage = resolve))
    const t = performance.now()
    await Promise.all([entry(key, i), got])
    delivery.push((performance.now() - t) * 1000)
  }
  onMessage = null
  say(`| Redis PING round trip (ioredis, 2,000 one after another) | p50 ${pct(pings, 0.5).toFixed(0)} µs, p99 ${pct(pings, 0.99).toFixed(0)} µs |`)
  say(`| an entry added the relay's way (XADD + PUBLISH, one script) → another connection's subscription has it (1,000) | p50 ${pct(delivery, 0.5).toFixed(0)} µs, p99 ${pct(delivery, 0.99).toFixed(0)} µs |`)

  // 2. One stream, as fast as one node pipelines into it, one node subscribed.
  const hot = 'stepwise:y:{bench}:doc'
  await subscriber.subscribe(hot)
  const redisCpu0 = cpuMicros(redisProc.pid!)
  const t0 = performance.now()
  let added = 0
  while (performance.now() - t0 < WINDOW_MS) {
    await Promise.all(Array.from({ length: 200 }, () => entry(hot, ++added)))
  }
  const addMs = performance.now() - t0
  const redisCpu = cpuMicros(redisProc.pid!) - redisCpu0
  await new Promise((r) => setTimeout(r, 300))
  const read = received.get(hot) ?? 0
  say(`| one stream: entries/s one connection pipelines through the script (200 in flight), one node subscribed | ${fmt((added / addMs) * 1000)}/s; the subscriber had ${((read / added) * 100).toFixed(0)} % of them; Redis CPU ${((redisCpu / 1000 / addMs) * 100).toFixed(0)} % of a core (${(redisCpu / added).toFixed(1)} µs an entry) |`)
} finally {
  writer.disconnect()
  subscriber.disconnect()
  redisProc.kill('SIGKILL')
}

// 3. One Postgres taking the shared log from two writers.
const bench = await createBenchDatabase()
const dirs = [mkdtempSync(join(tmpdir(), 'stepwise-cap-')), mkdtempSync(join(tmpdir(), 'stepwise-cap-'))]
try {
  const nodes: Database[] = []
  for (const [i, dir] of dirs.entries()) nodes.push(await openDatabase({ databaseUrl: bench.url, dataDir: dir, sharedLog: { nodeId: `bench-${i}` } }))
  const room = randomUUID()
  // Every row its own update (two with the same bytes are one update, stored once).
  let made = 0
  const bytesOf = () => {
    const b = Buffer.alloc(40, 3)
    b.writeUInt32LE(++made, 0)
    return b
  }
  const run = async (what: string, docs: number) => {
    let rows = 0
    let batches = 0
    const pg0 = postgresBackendsCpuMicros(bench.name)
    const me0 = process.cpuUsage()
    const t0 = performance.now()
    await Promise.all(
      nodes.map(async (db, w) => {
        let n = 0
        while (performance.now() - t0 < WINDOW_MS) {
          const batch = db.logWriter.newBatch()
          for (let i = 0; i < 200; i++) {
            const u: LoggedUpdate = { roomId: room, doc: `${what}:${(n + i) % docs}`, seq: 0, at: Date.now(), participantId: `link-${w}`, bytes: bytesOf() }
            batch.add(u)
          }
          n += 200
          await db.logWriter.writeUpdates(batch)
          rows += 200
          batches++
        }
      }),
    )
    const ms = performance.now() - t0
    const pg = postgresBackendsCpuMicros(bench.name) - pg0
    const me = process.cpuUsage(me0)
    if (what === 'warm') return
    say(
      `| one Postgres, shared log: two writers, batches of 200 rows, ${docs === 1 ? 'one document both write' : `${docs} documents`} | ${fmt((rows / ms) * 1000)} rows/s (${fmt((batches / ms) * 1000)} batches/s); Postgres CPU ${((pg / 1000 / ms) * 100).toFixed(0)} % of a core (${(pg / rows).toFixed(1)} µs a row), the writers ${(((me.user + me.system) / 1000 / ms) * 100).toFixed(0)} % |`,
    )
  }
  await run('warm', 100)
  await run('many', 100)
  await run('one', 1)
  for (const db of nodes) await db.close()
} finally {
  await bench.drop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}

console.log(`\n${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, window ${WINDOW_MS / 1000} s\n`)
console.log('| what | figure |')
console.log('|---|---|')
for (const l of lines) console.log(l)
process.exit(0)
