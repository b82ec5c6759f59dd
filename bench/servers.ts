/**
 * Starting and stopping the servers under test, each as its own process pinned to core 0:
 *  - Stepwise on embedded PGlite (fresh DATA_DIR each start),
 *  - Stepwise on Postgres (a fresh database on the local cluster each start, dropped afterwards),
 *  - the reference `@y/websocket-server` (no auth, no persistence).
 * The pid we measure is the server's own node process (`taskset` execs it, keeping the pid).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { rssBytes } from './proc.js'
import { sleep, until } from './stats.js'

export type ServerKind = 'pglite' | 'postgres' | 'reference'
export const KIND_LABEL: Record<ServerKind, string> = {
  pglite: 'Stepwise (PGlite)',
  postgres: 'Stepwise (Postgres)',
  reference: 'reference y-websocket-server',
}

const ROOT = new URL('..', import.meta.url).pathname
/** Where Stepwise is run from: the repository, or the snapshot taken by `snapshotStepwise()`. */
let stepwiseRoot = ROOT

/**
 * Copies the server's code as it is now (server/, shared/, migrations/, the bench and the test
 * helpers it imports, package.json, tsconfig.json; node_modules linked) to a temporary directory
 * and runs Stepwise from there, so edits made to the working tree while the bench runs do not
 * change what it measures. Returns the directory (removed when the bench exits).
 */
export function snapshotStepwise(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-code-'))
  for (const part of ['server', 'shared', 'migrations', 'bench', 'test/helpers', 'package.json', 'tsconfig.json']) {
    cpSync(join(ROOT, part), join(dir, part), { recursive: true, filter: (src) => !src.includes('/bench/results') })
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  stepwiseRoot = dir
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}
export const stepwiseCodeRoot = () => stepwiseRoot
const GC_PRELOAD = join(ROOT, 'bench/preload/gc-on-signal.mjs')
const START_TIMEOUT_MS = 60_000
/**
 * Node flags Stepwise runs with: package.json's config.serverNodeFlags, which `npm start` spells out
 * (server/node-flags.test.ts keeps the two equal), so
 * the bench runs the server as shipped (today 32 MB semi-spaces for the young generation: fewer
 * scavenges). The reference server runs with Node's defaults, as its users would start it.
 */
export const STEPWISE_NODE_FLAGS: string[] = (() => {
  // An experiment can try other flags: BENCH_STEPWISE_NODE_FLAGS="--max-semi-space-size=16".
  const override = process.env.BENCH_STEPWISE_NODE_FLAGS
  if (override !== undefined) return override.split(' ').filter(Boolean)
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { config?: { serverNodeFlags?: string } }
  return (pkg.config?.serverNodeFlags ?? '').split(' ').filter(Boolean)
})()
/** BENCH_SERVER_PROF=<dir>: servers run with --cpu-prof and write their profiles there on exit. */
const profArgs = () => (process.env.BENCH_SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROF] : [])
export const SERVER_CORE = '0'

/** Where a thin client or a WebsocketProvider connects, for one room. Plain data: it crosses IPC. */
export interface RoomTarget {
  id: string
  /** Full URL for a raw websocket. */
  url: string
  /** WebsocketProvider arguments: `new WebsocketProvider(serverUrl, roomname, doc, { params })`. */
  serverUrl: string
  roomname: string
  params: Record<string, string>
}

/** A room as the bench uses it: a thin-client target, and two tokens for a probe's writer and observer. */
export interface BenchRoom {
  writer: RoomTarget
  observer: RoomTarget
  /** socket.io tokens (Stepwise only). */
  tokens?: { interviewer: string; candidate: string; observer: string }
}

export interface Metrics {
  liveDocs: number
  yjsSockets: number
  socketIoSockets: number
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number }
}

export interface Memory {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
  /** Every GC pause the server had so far (epoch ms at start, ms long), the last 20,000. */
  gcPauses: [number, number][]
  /**
   * Event-loop stalls over 5 ms, the last 20,000: [epoch ms when the 20 ms timer was due, ms late,
   * monotonic µs of the tick before (the clock of `--cpu-prof`; the loop was blocked from then for 20 ms + late)].
   */
  loopStalls: [number, number, number][]
}

export interface BenchServer {
  kind: ServerKind
  pid: number
  httpUrl: string
  /** Creates n rooms (Stepwise: POST /api/rooms; reference: fresh names). */
  createRooms(n: number): Promise<BenchRoom[]>
  /** GET /api/metrics (Stepwise), null for the reference. */
  metrics(): Promise<Metrics | null>
  /** Memory after a full GC (see preload/gc-on-signal.mjs), plus VmRSS read right after. */
  memoryAtRest(): Promise<Memory>
  /** Postgres database name (postgres kind), to attribute backend CPU. */
  database?: string
  /** Everything the process wrote to stderr so far. */
  stderr(): string
  /** True once the process has exited. */
  exited(): boolean
  stop(): Promise<void>
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test'
export const databaseUrl = () => process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL

/** null when Postgres answers, else the reason it cannot be used. */
export async function postgresUnavailable(): Promise<string | null> {
  const sql = postgres(databaseUrl(), { max: 1, connect_timeout: 3, onnotice: () => {} })
  try {
    await sql`select 1`
    return null
  } catch (err) {
    return `${redact(databaseUrl())}: ${String((err as Error).message ?? err)}`
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {})
  }
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

let started = 0
/** Servers still running, killed if the bench itself exits early (Ctrl-C, a crash). */
const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})
function track(child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
}

/** Drops bench databases left by an earlier bench that was killed (their pid is no longer running). */
export async function dropStaleBenchDatabases(): Promise<string[]> {
  const sql = postgres(databaseUrl(), { max: 1, connect_timeout: 5, onnotice: () => {} })
  const dropped: string[] = []
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like 'stepwise_bench_%'`
    for (const { datname } of rows) {
      const pid = Number(/^stepwise_bench_(\d+)_\d+$/.exec(datname)?.[1])
      if (!pid || pid === process.pid || existsSync(`/proc/${pid}`)) continue
      await sql.unsafe(`drop database if exists ${datname} with (force)`)
      dropped.push(datname)
    }
  } finally {
    await sql.end({ timeout: 2 })
  }
  return dropped
}

/** A fresh database on the local cluster, so every run starts from empty tables as PGlite does. */
export async function createBenchDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `stepwise_bench_${process.pid}_${++started}`
  const admin = () => postgres(databaseUrl(), { max: 1, connect_timeout: 5, onnotice: () => {} })
  const sql = admin()
  try {
    await sql.unsafe(`drop database if exists ${name}`)
    await sql.unsafe(`create database ${name}`)
  } finally {
    await sql.end({ timeout: 2 })
  }
  const url = new URL(databaseUrl())
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    async drop() {
      const sql = admin()
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await sql.end({ timeout: 2 })
      }
    },
  }
}

export async function startServer(kind: ServerKind): Promise<BenchServer> {
  return kind === 'reference' ? startReference() : startStepwise(kind)
}

async function startStepwise(kind: 'pglite' | 'postgres'): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-bench-'))
  const memoryFile = join(dataDir, 'bench-memory.json')
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', BENCH_MEMORY_FILE: memoryFile }
  // The bench is hundreds of users from one address: per-address rate limits would refuse it.
  env.RATE_LIMIT_ROOMS_PER_MINUTE = '0'
  env.RATE_LIMIT_CONNECTIONS_PER_MINUTE = '0'
  delete env.DATABASE_URL
  delete env.REDIS_URL
  const db = kind === 'postgres' ? await createBenchDatabase() : null
  const database = db?.name
  if (db) env.DATABASE_URL = db.url
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, ...profArgs(), ...STEPWISE_NODE_FLAGS, '--expose-gc', '--import', GC_PRELOAD, '--import', 'tsx', 'server/main.ts'], {
    cwd: stepwiseRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  track(child)
  const cleanup = async () => {
    rmSync(dataDir, { recursive: true, force: true })
    await db?.drop()
  }
  let httpUrl: string
  try {
    httpUrl = await waitForLine(child, /Stepwise is running at (http:\/\/\S+)/, `Stepwise (${kind})`)
  } catch (err) {
    await cleanup().catch(() => {})
    throw err
  }
  const wsBase = httpUrl.replace(/^http/, 'ws')
  const target = (id: string, token: string): RoomTarget => ({
    id,
    url: `${wsBase}/yjs/${id}?token=${encodeURIComponent(token)}`,
    serverUrl: `${wsBase}/yjs`,
    roomname: id,
    params: { token },
  })
  return {
    ...processHandle(kind, child, memoryFile, cleanup),
    httpUrl,
    database,
    async createRooms(n) {
      const rooms: BenchRoom[] = new Array(n)
      let next = 0
      // A few requests in flight: creation is not what we measure, but 1,600 rooms one by one is slow.
      const worker = async () => {
        while (next < n) {
          const i = next++
          const res = await fetch(`${httpUrl}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
          if (res.status !== 201) throw new Error(`POST /api/rooms: ${res.status} ${await res.text()}`)
          const body = (await res.json()) as { room: { id: string }; tokens: { interviewer: string; candidate: string; observer: string } }
          rooms[i] = {
            writer: target(body.room.id, body.tokens.interviewer),
            observer: target(body.room.id, body.tokens.candidate),
            tokens: body.tokens,
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(8, n) }, worker))
      return rooms
    },
    async metrics() {
      const res = await fetch(`${httpUrl}/api/metrics`)
      if (!res.ok) throw new Error(`GET /api/metrics: ${res.status}`)
      return (await res.json()) as Metrics
    },
  }
}

async function startReference(): Promise<BenchServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'reference-bench-'))
  const memoryFile = join(dir, 'bench-memory.json')
  const child = spawn(
    'taskset',
    ['-c', SERVER_CORE, process.execPath, ...profArgs(), '--expose-gc', '--import', GC_PRELOAD, join(ROOT, 'node_modules/@y/websocket-server/src/server.js')],
    { cwd: ROOT, env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), BENCH_MEMORY_FILE: memoryFile }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  track(child)
  await waitForLine(child, /running at '127\.0\.0\.1' on port (\d+)/, 'reference server')
  const httpUrl = `http://127.0.0.1:${port}`
  const wsBase = `ws://127.0.0.1:${port}`
  let rooms = 0
  const target = (id: string): RoomTarget => ({ id, url: `${wsBase}/${id}`, serverUrl: wsBase, roomname: id, params: {} })
  return {
    ...processHandle('reference', child, memoryFile, async () => rmSync(dir, { recursive: true, force: true })),
    httpUrl,
    async createRooms(n) {
      return Array.from({ length: n }, () => {
        const id = `bench-room-${++rooms}`
        return { writer: target(id), observer: target(id) }
      })
    },
    async metrics() {
      return null
    },
  }
}

function processHandle(kind: ServerKind, child: ChildProcess, memoryFile: string, cleanup: () => Promise<void>) {
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000)
  })
  let exited = child.exitCode !== null
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())))
  return {
    kind,
    pid: child.pid!,
    stderr: () => stderr,
    exited: () => exited,
    async memoryAtRest(): Promise<Memory> {
      const seqOf = () => (existsSync(memoryFile) ? (JSON.parse(readFileSync(memoryFile, 'utf8')) as { seq: number }).seq : 0)
      const before = seqOf()
      child.kill('SIGUSR2')
      await until(() => exited || seqOf() > before, `${kind} server to report its memory`, 30_000, 20)
      if (exited) throw new Error(`the ${kind} server exited`)
      const m = JSON.parse(readFileSync(memoryFile, 'utf8')) as Memory
      // Let the pages the collection freed go back to the OS before reading RSS.
      await sleep(100)
      return { rss: rssBytes(child.pid!), heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, gcPauses: m.gcPauses, loopStalls: m.loopStalls }
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exit
        clearTimeout(killer)
      }
      await cleanup()
    },
  }
}

/** Resolves with the first capture group once stdout prints the line; rejects with stderr if the process dies or stays silent. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const onErr = (d: Buffer) => (err += d.toString())
    child.stderr!.on('data', onErr)
    const done = (fn: () => void) => {
      clearTimeout(timer)
      child.stdout!.off('data', onOut)
      child.stderr!.off('data', onErr)
      child.off('exit', onExit)
      fn()
    }
    const onOut = (d: Buffer) => {
      out += d.toString()
      const m = pattern.exec(out)
      if (m) {
        // Keep draining stdout so the child never blocks on a full pipe.
        child.stdout!.resume()
        done(() => resolve(m[1]!))
      }
    }
    const onExit = (code: number | null, signal: string | null) =>
      done(() => reject(new Error(`${what} exited (code ${code}, signal ${signal}) before it was ready.\nstdout:\n${out}\nstderr:\n${err}`)))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      done(() => reject(new Error(`${what} did not start within ${START_TIMEOUT_MS / 1000} s.\nstdout:\n${out}\nstderr:\n${err}`)))
    }, START_TIMEOUT_MS)
    child.stdout!.on('data', onOut)
    child.stderr!.on('data', () => {})
    child.once('exit', onExit)
  })
}
