/**
 * `npm run bench:nodes`: one node against two, on this machine's Postgres and a redis-server of
 * its own. Rooms each have a writer and a reader (stock WebsocketProviders in this process); the
 * writer types a timestamp every 100 ms, the reader notes how long it took to arrive.
 *
 * - one node, no REDIS_URL: today's single-process path;
 * - one node with REDIS_URL: the same load, every update also XADDed to its document's stream
 *   (what the Redis path costs a node alone);
 * - two nodes: writers on node A, readers on node B: every update crosses Redis.
 *
 * Prints delivery delay p50/p99 and CPU per update (node processes, Postgres backends, Redis).
 * Two cores hold the nodes, Postgres, Redis and the clients together: the figures compare the
 * three setups with each other, not what two machines would do.
 *
 *   tsx bench/nodes.ts [--rooms 50] [--seconds 10] [--only redis]   (--only: the setups whose name has it)
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { cpuMicros, postgresBackendsCpuMicros } from './proc.js'
import { createBenchDatabase, freePort } from './servers.js'

const ROOT = new URL('..', import.meta.url).pathname
const { values: opt } = parseArgs({ options: { rooms: { type: 'string', default: '50' }, seconds: { type: 'string', default: '10' }, only: { type: 'string', default: '' } } })
const ROOMS = Number(opt.rooms)
const WINDOW_MS = Number(opt.seconds) * 1000
const WARMUP_MS = 2000
const EVERY_MS = 100
const SECRET = 'bench-secret-shared-by-the-nodes-0123456789abcdef'
/** Flags for the node processes, e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile them. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)

function startNode(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...NODE_ARGS, '--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', SECRET, RATE_LIMIT_CONNECTIONS_PER_MINUTE: '0', RATE_LIMIT_ROOMS_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      const m = /running at (http:\/\/\S+)/.exec(out)
      if (m) resolve({ url: m[1]!, child })
    })
    child.once('exit', (code) => reject(new Error(`node exited with ${code}`)))
  })
}

async function stopNode(n: { child: ChildProcess }): Promise<void> {
  const exited = new Promise((r) => n.child.once('exit', r))
  n.child.kill('SIGTERM')
  await exited
}

async function createRoom(url: string): Promise<{ id: string; writer: string; reader: string }> {
  const res = await fetch(`${url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  const body = (await res.json()) as { room: { id: string }; tokens: { candidate: string; interviewer: string } }
  return { id: body.room.id, writer: body.tokens.candidate, reader: body.tokens.interviewer }
}

function provider(url: string, roomId: string, token: string): { doc: Y.Doc; p: WebsocketProvider; synced: Promise<void> } {
  const doc = new Y.Doc()
  const p = new WebsocketProvider(url.replace(/^http/, 'ws') + '/yjs', roomId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  })
  const synced = new Promise<void>((resolve) => p.once('sync', () => resolve()))
  return { doc, p, synced }
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}

async function scenario(name: string, writerNode: string, readerNode: string, nodePids: number[], redisPid: number | null, dbName: string): Promise<string> {
  const rooms = await Promise.all(Array.from({ length: ROOMS }, () => createRoom(writerNode)))
  const delays: number[] = []
  let measuring = false
  const clients = rooms.map((r) => {
    const w = provider(writerNode, r.id, r.writer)
    const rd = provider(readerNode, r.id, r.reader)
    rd.doc.getText('notes:clarify').observe((e) => {
      if (!measuring) return
      const now = performance.now()
      for (const d of e.delta) if (typeof d.insert === 'string') delays.push(now - Number(d.insert.slice(0, -1)))
    })
    return { w, rd }
  })
  await Promise.all(clients.flatMap((c) => [c.w.synced, c.rd.synced]))
  let sent = 0
  const timers = clients.map((c, i) =>
    setTimeout(() => {
      const t = setInterval(() => {
        const text = c.w.doc.getText('notes:clarify')
        text.insert(text.length, `${performance.now()};`)
        if (measuring) sent++
      }, EVERY_MS)
      timers[i] = t
    }, (i * EVERY_MS) / ROOMS),
  )
  await new Promise((r) => setTimeout(r, WARMUP_MS))
  const pids = [...nodePids, ...(redisPid ? [redisPid] : [])]
  const cpu0 = pids.map(cpuMicros)
  const pg0 = postgresBackendsCpuMicros(dbName)
  measuring = true
  await new Promise((r) => setTimeout(r, WINDOW_MS))
  measuring = false
  const cpu = pids.map((pid, i) => cpuMicros(pid) - cpu0[i]!)
  const pg = postgresBackendsCpuMicros(dbName) - pg0
  for (const t of timers) clearInterval(t)
  for (const c of clients) {
    c.w.p.destroy()
    c.rd.p.destroy()
  }
  const nodesCpu = cpu.slice(0, nodePids.length).reduce((a, b) => a + b, 0)
  const redisCpu = redisPid ? `${(cpu.at(-1)! / sent).toFixed(1)}` : '–'
  return `| ${name} | ${ROOMS} | ${sent} | ${delays.length} | ${pct(delays, 0.5).toFixed(2)} | ${pct(delays, 0.99).toFixed(2)} | ${(nodesCpu / sent).toFixed(1)} | ${(pg / sent).toFixed(1)} | ${redisCpu} |`
}

const port = await freePort()
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
await new Promise((r) => setTimeout(r, 500))
const REDIS_URL = `redis://127.0.0.1:${port}`
const lines: string[] = []
try {
  for (const setup of ['one node', 'one node with REDIS_URL', 'two nodes (writer on A, reader on B)'] as const) {
    if (!setup.includes(opt.only)) continue
    const db = await createBenchDatabase()
    const env: Record<string, string> = { DATABASE_URL: db.url, ...(setup === 'one node' ? {} : { REDIS_URL }) }
    const a = await startNode({ ...env, DATA_DIR: `/tmp/stepwise-bench-nodes-a` })
    const b = setup.startsWith('two') ? await startNode({ ...env, DATA_DIR: `/tmp/stepwise-bench-nodes-b` }) : null
    process.stderr.write(`${setup}…\n`)
    const nodePids = [a.child.pid!, ...(b ? [b.child.pid!] : [])]
    lines.push(await scenario(setup, a.url, (b ?? a).url, nodePids, setup === 'one node' ? null : redis.pid!, db.name))
    await stopNode(a)
    if (b) await stopNode(b)
    await db.drop()
  }
} finally {
  redis.kill('SIGKILL')
}
console.log(`\n${ROOMS} rooms, a writer and a reader each, one update every ${EVERY_MS} ms per writer; window ${WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s of warm-up\n`)
console.log('| setup | rooms | updates | deliveries | delay p50 ms | delay p99 ms | nodes CPU µs/update | Postgres CPU µs/update | Redis CPU µs/update |')
console.log('|---|---|---|---|---|---|---|---|---|')
for (const l of lines) console.log(l)
process.exit(0)
