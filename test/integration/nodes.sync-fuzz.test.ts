import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, it } from 'vitest'
import * as Y from 'yjs'
import { connectY, createRoom, sleep, waitFor, type CreatedRoom, type YClient } from '../helpers/clients.js'
import { difference, envInt, randomEdit, Rng, same, type Snapshot, snapshot, tail } from '../helpers/fuzz-board.js'
import { type ServerProcess, spawnServer } from '../helpers/process.js'
import { freePort, hasRedis, startRedis, stopRedis } from '../helpers/redis.js'

/*
 * The sync fuzz across nodes (yjs.sync-fuzz.test.ts is the one-node version): two Stepwise
 * processes on one Postgres and one Redis of the test's own, stock WebsocketProviders spread over
 * them making seeded random board edits, going offline and back, and moving to the other node now
 * and then (a load balancer sends a reconnect anywhere). At one step of some seeds a node is
 * stopped under its clients, by SIGTERM or SIGKILL; its clients either move to the other node at
 * once or wait for it to come back on the same port, and everyone keeps editing meanwhile.
 *
 * At the end of every seed: every client, the live doc of each node (as a newcomer there receives
 * it) and the doc rebuilt from the rows in Postgres are one and the same document, and the log
 * holds each update once (no two rows alike), numbered 1..n by the database.
 *
 *   FUZZ_SEEDS=<n>  how many seeds (default 8; 40 under `npm run fuzz`), from FUZZ_FIRST_SEED
 *                   (default 1; under `npm run fuzz` a random one, printed); FUZZ_SEED=<n> one seed;
 *                   FUZZ_STEPS=<n> steps a seed (default 8). A failing seed writes its trace to
 *                   $TMPDIR/stepwise-nodes-fuzz-seed-<n>.log and names it.
 */

const DATABASE_URL = process.env.DATABASE_URL
const skip = !hasRedis ? 'redis-server is not on the PATH' : !DATABASE_URL ? 'several nodes need a shared Postgres: runs with DATABASE_URL (.ci/run does)' : null
if (skip) console.warn(`[nodes] multi-node sync fuzz skipped: ${skip}`)

const LONG = process.env.npm_lifecycle_event === 'fuzz'
const FIRST_SEED = envInt('FUZZ_FIRST_SEED', LONG ? 1 + Math.floor(Math.random() * 1_000_000) : 1)
const SEEDS = process.env.FUZZ_SEED ? [envInt('FUZZ_SEED', 1)] : Array.from({ length: envInt('FUZZ_SEEDS', LONG ? 40 : 8) }, (_, i) => FIRST_SEED + i)
const STEPS = Math.max(1, envInt('FUZZ_STEPS', 8))
/** A node restart costs ~2 s on Postgres (more under load): about half the seeds have one. */
const RESTART_CHANCE = 0.5
const SIGTERM_CHANCE = 0.4
/** Chance, per peer and step, that its reconnect lands on the other node. */
const MOVE_CHANCE = 0.1

const SECRET = 'a-secret-the-fuzzed-nodes-share-0123456789abcdef'

interface Node {
  name: 'A' | 'B'
  port: number
  dataDir: string
  proc: ServerProcess | null
  /** Set when the process ended without being told to. */
  crashed: string | null
}
const nodes: Node[] = []
let redis: ChildProcess | null = null
let redisUrl = ''
const urlOf = (n: Node) => `http://127.0.0.1:${n.port}`

async function startNode(n: Node): Promise<void> {
  const proc = await spawnServer({
    DATA_DIR: n.dataDir,
    PORT: String(n.port),
    DATABASE_URL: DATABASE_URL!,
    REDIS_URL: redisUrl,
    SECRET,
    LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'warn',
    RATE_LIMIT_ROOMS_PER_MINUTE: '0',
    RATE_LIMIT_CONNECTIONS_PER_MINUTE: '0',
  })
  n.proc = proc
  n.crashed = null
  void proc.exited.then((code) => {
    if (n.proc !== proc) return // stopped on purpose
    n.proc = null
    n.crashed = `node ${n.name} exited by itself (${code}); stderr:\n${tail(proc.stderr(), 2000)}`
  })
}

/** SIGTERM must exit 0 within DESIGN.md's 10 s; SIGKILL is SIGKILL. */
async function stopNode(n: Node, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const proc = n.proc!
  n.proc = null
  proc.child.kill(signal)
  const code = await Promise.race([proc.exited, sleep(15_000).then(() => 'still running after 15 s')])
  if (code === 'still running after 15 s') {
    proc.child.kill('SIGKILL')
    await proc.exited
  }
  const expected = signal === 'SIGTERM' ? 0 : 'SIGKILL'
  if (code !== expected) throw new Error(`${signal} of node ${n.name}: exited with ${code}, expected ${expected}; stderr:\n${tail(proc.stderr(), 2000)}`)
}

/** The board as the rows in Postgres rebuild it, and whether every row is a different update. */
async function fromLog(sql: postgres.Sql, roomId: string): Promise<{ snap: Snapshot; rows: number; distinct: number; seqs: number[] }> {
  const rows = await sql<{ seq: string; bytes: Uint8Array }[]>`select seq, bytes from yjs_updates where room_id = ${roomId} and doc = 'board' order by seq`
  const doc = new Y.Doc()
  for (const r of rows) Y.applyUpdate(doc, r.bytes)
  const snap = snapshot(doc)
  doc.destroy()
  return { snap, rows: rows.length, distinct: new Set(rows.map((r) => Buffer.from(r.bytes).toString('base64'))).size, seqs: rows.map((r) => Number(r.seq)) }
}

interface Peer {
  name: string
  token: string
  doc: Y.Doc
  client: YClient
  node: Node
  online: boolean
}

const stats = { seeds: 0, edits: 0, moves: 0, sigterm: 0, sigkill: 0, longestLog: 0 }
const isRefusal = (code: number) => (code >= 4000 && code < 4500) || code >= 4600 || code === 1003 || code === 1009 || code === 1011

async function runSeed(seed: number, sql: postgres.Sql): Promise<void> {
  const rng = new Rng(seed)
  const t0 = Date.now()
  const ms = () => `+${Date.now() - t0}ms`
  const trace: string[] = []
  let where = 'setup'
  const peers: Peer[] = []
  const extra: YClient[] = []
  const refusals: string[] = []
  let room: CreatedRoom | undefined

  /** A provider for the peer on `node`, with the peer's doc (what it has, offline edits included). */
  const connect = (peer: Omit<Peer, 'client' | 'online'>): YClient => {
    const client = connectY(urlOf(peer.node), room!.room.id, peer.token, { ydoc: peer.doc })
    client.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event && isRefusal(event.code)) refusals.push(`${peer.name} on ${peer.node.name}: closed ${event.code} ${event.reason} (${where})`)
    })
    return client
  }
  const failure = () => nodes.find((n) => n.crashed)?.crashed ?? (refusals.length > 0 ? `a node refused a stock client:\n${refusals.join('\n')}` : null)
  const check = () => {
    const f = failure()
    if (f) throw new Error(f)
  }
  /** The peer reconnects on the other node (its provider there gets the doc it holds). */
  const move = (peer: Peer, step: number, why: string) => {
    peer.client.provider.destroy()
    peer.node = nodes.find((n) => n !== peer.node)!
    peer.client = connect(peer)
    if (!peer.online) peer.client.provider.disconnect()
    stats.moves++
    trace.push(`step ${step} ${peer.name} moves to ${peer.node.name} (${why})`)
  }

  try {
    room = await createRoom(urlOf(nodes[0]!))
    const count = rng.between(2, 4)
    for (let i = 0; i < count; i++) {
      const doc = new Y.Doc()
      doc.clientID = 1000 * seed + i + 1
      const base = { name: `c${i}`, token: i % 2 === 0 ? room.tokens.candidate : room.tokens.interviewer, doc, node: nodes[(i + rng.int(2)) % 2]! }
      peers.push({ ...base, client: connect(base), online: true })
    }
    await waitFor(() => failure() !== null || peers.every((p) => p.client.provider.synced), { timeout: 10_000, what: 'every client synced' })
    check()
    trace.push(`${count} clients: ${peers.map((p) => `${p.name}@${p.node.name}`).join(' ')}`)

    const restartAt = rng.chance(RESTART_CHANCE) ? rng.int(STEPS) : -1
    const victim = nodes[rng.int(2)]!
    const signal = rng.chance(SIGTERM_CHANCE) ? 'SIGTERM' : 'SIGKILL'
    const moveAway = rng.chance(0.5)

    const editBurst = async (step: number) => {
      const edits = rng.between(1, 6)
      for (let i = 0; i < edits; i++) {
        const peer = rng.pick(peers)
        trace.push(`step ${step} ${peer.name}@${peer.node.name}${peer.online ? '' : ' (offline)'}: ${randomEdit(rng, peer.doc)}`)
        stats.edits++
        if (rng.chance(0.3)) await sleep(rng.int(15))
      }
    }
    const shuffle = (step: number) => {
      for (const peer of peers) {
        if (rng.chance(0.2)) {
          if (peer.online) peer.client.provider.disconnect()
          else peer.client.provider.connect()
          peer.online = !peer.online
          trace.push(`step ${step} ${peer.name} ${peer.online ? 'connect' : 'disconnect'}`)
        }
        if (rng.chance(MOVE_CHANCE) && peer.node.proc) move(peer, step, 'reconnect elsewhere')
      }
    }

    for (let step = 0; step < STEPS; step++) {
      where = `step ${step}`
      await editBurst(step)
      shuffle(step)
      if (step === restartAt) {
        where = `step ${step}, ${signal} of node ${victim.name}`
        trace.push(`step ${step} ${signal} node ${victim.name} ${ms()}`)
        await stopNode(victim, signal)
        signal === 'SIGTERM' ? stats.sigterm++ : stats.sigkill++
        if (moveAway) for (const p of peers.filter((p) => p.node === victim)) move(p, step, `node ${victim.name} is down`)
        await editBurst(step) // while the node is down
        await sleep(rng.int(300))
        await startNode(victim)
        trace.push(`step ${step} node ${victim.name} up again ${ms()}`)
      } else {
        await sleep(rng.int(80))
      }
      check()
    }

    where = 'final: every client connected and synced'
    trace.push(`final ${ms()}: ${peers.map((p) => `${p.name}@${p.node.name}`).join(' ')}`)
    for (const peer of peers) {
      if (!peer.online) peer.client.provider.connect()
      peer.online = true
    }
    await waitFor(() => failure() !== null || peers.every((p) => p.client.provider.wsconnected && p.client.provider.synced), { timeout: 15_000, what: 'every client connected and synced' })
    check()

    where = 'final: the clients converge'
    let previous = ''
    let stableSince = 0
    await waitFor(
      () => {
        if (failure()) return true
        const snaps = peers.map((p) => JSON.stringify(snapshot(p.doc)))
        if (!snaps.every((s) => s === snaps[0])) return false
        if (snaps[0] !== previous) {
          previous = snaps[0]!
          stableSince = Date.now()
          return false
        }
        return Date.now() - stableSince >= 100
      },
      { timeout: 15_000, what: 'the clients to converge' },
    ).catch((err: Error) => {
      const snaps = peers.map((p) => snapshot(p.doc))
      throw new Error(`${err.message}\n${snaps.slice(1).map((s, i) => (same(snaps[0]!, s) ? '' : difference(snaps[0]!, s, 'c0', peers[i + 1]!.name))).filter(Boolean).join('\n')}`)
    })
    check()
    const expected = snapshot(peers[0]!.doc)

    for (const n of nodes) {
      where = `final: node ${n.name}'s live doc`
      const probe = connectY(urlOf(n), room.room.id, room.tokens.observer)
      extra.push(probe)
      await waitFor(() => probe.provider.synced && same(snapshot(probe.doc), expected), { timeout: 10_000, what: `node ${n.name}'s live doc to equal the clients'` }).catch((err: Error) => {
        throw new Error(`${err.message}\n${difference(expected, snapshot(probe.doc), 'clients', n.name)}`)
      })
    }

    // The log: the same document once the group commit, or a takeover of a killed node's updates
    // (its key lives 3 s), has written everything; each update in one row.
    where = 'final: the log'
    let last: Awaited<ReturnType<typeof fromLog>> | null = null
    await waitFor(
      async () => {
        last = await fromLog(sql, room!.room.id)
        return same(last.snap, expected)
      },
      { timeout: 10_000, interval: 100, what: "the log's doc to equal the clients'" },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${last ? difference(expected, last.snap, 'clients', 'log') : ''}`)
    })
    // A killed node's takeover lands a moment after its rows could: look again once it is past.
    if (signal === 'SIGKILL' && restartAt >= 0) last = await sleep(500).then(() => fromLog(sql, room!.room.id))
    const log = last!
    if (log.distinct !== log.rows) throw new Error(`the log holds ${log.rows - log.distinct} update(s) twice (${log.rows} rows, ${log.distinct} different)`)
    if (log.seqs.some((s, i) => s !== i + 1)) throw new Error(`the log's seqs are not 1..${log.rows}: ${log.seqs.join(',')}`)
    stats.longestLog = Math.max(stats.longestLog, log.rows)
    stats.seeds++
  } catch (err) {
    const file = join(tmpdir(), `stepwise-nodes-fuzz-seed-${seed}.log`)
    writeFileSync(file, trace.join('\n') + '\n')
    const stderr = nodes
      .map((n) => {
        if (!n.proc) return ''
        const all = join(tmpdir(), `stepwise-nodes-fuzz-seed-${seed}-node-${n.name}.log`)
        writeFileSync(all, n.proc.stderr())
        return `--- node ${n.name} stderr (all in ${all}):\n${tail(n.proc.stderr(), 1200)}`
      })
      .join('\n')
    throw new Error(
      `nodes sync fuzz seed ${seed} failed at ${where}; replay its edits with\n  DATABASE_URL=… FUZZ_SEED=${seed} npx vitest run --project integration test/integration/nodes.sync-fuzz.test.ts\n` +
        `${err instanceof Error ? err.message : String(err)}\n--- edits (last 40 of ${trace.length}; all in ${file}):\n${trace.slice(-40).join('\n')}\n${stderr}`,
    )
  } finally {
    for (const p of peers) {
      p.client.provider.destroy()
      p.doc.destroy()
    }
    for (const c of extra) c.destroy()
  }
}

describe.skipIf(skip !== null)(`yjs sync fuzz across two nodes (Postgres + Redis, seeds ${SEEDS[0]}..${SEEDS.at(-1)}): clients, both live docs and the log agree through moves and node restarts`, () => {
  let sql: postgres.Sql
  beforeAll(async () => {
    const port = await freePort()
    redis = await startRedis(port)
    redisUrl = `redis://127.0.0.1:${port}`
    for (const name of ['A', 'B'] as const) nodes.push({ name, port: await freePort(), dataDir: mkdtempSync(join(tmpdir(), 'stepwise-nodes-fuzz-')), proc: null, crashed: null })
    await Promise.all(nodes.map(startNode))
    sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await sql?.end({ timeout: 5 })
    for (const n of nodes.splice(0)) {
      if (n.proc) await stopNode(n, 'SIGTERM').catch(() => {})
      rmSync(n.dataDir, { recursive: true, force: true })
    }
    if (redis) await stopRedis(redis)
    console.log(`nodes sync fuzz: ${stats.seeds}/${SEEDS.length} seeds passed, ${stats.edits} edits, ${stats.moves} moves between nodes, ${stats.sigterm} SIGTERM and ${stats.sigkill} SIGKILL restarts, longest log ${stats.longestLog} updates`)
  })

  for (const seed of SEEDS) {
    it(`seed ${seed}: every client, both nodes and the log end as one document, each update stored once`, async () => {
      // A node that crashed in an earlier seed is up again for this one (the crash failed that seed).
      for (const n of nodes) if (!n.proc) await startNode(n)
      await runSeed(seed, sql)
    }, 120_000)
  }
})
