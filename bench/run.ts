/**
 * `npm run bench`: Stepwise (PGlite, Postgres) side by side with the reference y-websocket server.
 * Load points alternate between the servers (A B C A B C …), each point `--reps` times; then a
 * capacity ramp per server, the socket.io timer delay with 500 rooms, and replay-seek. Prints one
 * markdown document and writes it to bench/results/latest.md (full runs) or partial.md (runs with
 * options that change what is measured), with the raw figures beside it as .json.
 *
 *   tsx bench/run.ts                       everything, within 10 minutes
 *   tsx bench/run.ts --quick               one run of each load point, nothing else (~1.5 min)
 *   tsx bench/run.ts --kinds pglite,reference --rooms 400 --reps 2 --no-capacity --no-socketio --no-replay
 */
import { execFileSync, spawn } from 'node:child_process'
import { cpus } from 'node:os'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { GeneratorProcess } from './load/generator-process.js'
import { coreTimes, cpuMicros, machineLoad } from './proc.js'
import { type BenchResults, renderMarkdown } from './report.js'
import { type CapacityResult, type LoadSettings, type PointResult, runCapacity, runPoint, runSocketIo, type SocketIoResult } from './scenarios.js'
import { createBenchDatabase, dropStaleBenchDatabases, KIND_LABEL, postgresUnavailable, type ServerKind, snapshotStepwise, STEPWISE_NODE_FLAGS, stepwiseCodeRoot } from './servers.js'

const ROOT = new URL('..', import.meta.url).pathname
const started = performance.now()
const elapsedS = () => (performance.now() - started) / 1000
const log = (line: string) => process.stderr.write(`[${elapsedS().toFixed(0).padStart(3)} s] ${line}\n`)

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    kinds: { type: 'string' },
    rooms: { type: 'string' },
    reps: { type: 'string' },
    warmup: { type: 'string' },
    window: { type: 'string' },
    capacity: { type: 'string' },
    'no-capacity': { type: 'boolean', default: false },
    'no-socketio': { type: 'boolean', default: false },
    'no-replay': { type: 'boolean', default: false },
    budget: { type: 'string' },
    out: { type: 'string' },
    render: { type: 'string' },
  },
})

// --render <results.json>: only re-render a run's markdown (e.g. after changing report.ts).
if (opt.render) {
  const results = JSON.parse(readFileSync(opt.render, 'utf8')) as BenchResults
  const markdown = renderMarkdown(results)
  console.log(markdown)
  writeResults(markdown, opt.render.replace(/\.json$/, '.md'), null, /latest\.json$/.test(opt.render))
  process.exit(0)
}

/** Writes the markdown (and the JSON when given); a full run also refreshes the table in bench/README.md. */
function writeResults(markdown: string, mdPath: string, results: BenchResults | null, updateReadme: boolean): void {
  mkdirSync(join(mdPath, '..'), { recursive: true })
  writeFileSync(mdPath, markdown + '\n')
  // Lists of numbers (every probe delay of a run) on one line each: the file stays readable and small.
  // (Anchored on line breaks, which a JSON string never holds raw, so no string value is touched.)
  if (results) writeFileSync(mdPath.replace(/\.md$/, '.json'), JSON.stringify(results, null, 1).replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, xs: string) => `[${xs.replace(/\s+/g, '')}]`) + '\n')
  if (!updateReadme) return
  const readmePath = join(ROOT, 'bench/README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const table = markdown.replace(/^## .*\n\n/, '').replace(/^### /gm, '#### ')
  const updated = readme.replace(/(<!-- latest:start -->\n)[\s\S]*?(<!-- latest:end -->)/, (_, start: string, end: string) => `${start}${table}\n${end}`)
  if (updated !== readme) writeFileSync(readmePath, updated)
}

const full = !opt.quick && !opt.kinds && !opt.rooms && !opt.reps && !opt.warmup && !opt.window && !opt.capacity && !opt['no-capacity'] && !opt['no-socketio'] && !opt['no-replay']
const list = (s: string | undefined, dflt: string) => (s ?? dflt).split(',').map((x) => x.trim()).filter(Boolean)
let kinds = list(opt.kinds, 'pglite,postgres,reference') as ServerKind[]
for (const k of kinds) if (!(k in KIND_LABEL)) throw new Error(`--kinds: unknown server "${k}" (pglite, postgres, reference)`)
const roomCounts = list(opt.rooms, '100,400').map(Number)
const reps = Number(opt.reps ?? (opt.quick ? 1 : 3))
const settings: LoadSettings = {
  clientsPerRoom: 3,
  rateHz: 10,
  probeRooms: 8,
  warmupMs: Number(opt.warmup ?? 3) * 1000,
  windowMs: Number(opt.window ?? (opt.quick ? 5 : 8)) * 1000,
}
const capacitySteps = list(opt.capacity, '200,400,600,800,1000,1200,1600').map(Number)
const capacitySettings: LoadSettings = { ...settings, windowMs: opt.quick ? settings.windowMs : 6000 }
const doCapacity = !opt.quick && !opt['no-capacity']
const doSocketIo = !opt.quick && !opt['no-socketio']
const doReplay = !opt.quick && !opt['no-replay']
/** Optional stages are skipped, with a note, when they would end the run past this. */
const budgetS = Number(opt.budget ?? 570)
/** Before each measurement, wait (at most this long, and QUIET_TOTAL_S over the run) for other processes to use under QUIET_PERCENT of a core. */
const QUIET_WAIT_S = 15
const QUIET_TOTAL_S = Number(process.env.BENCH_QUIET_TOTAL_S ?? 60)
const QUIET_PERCENT = 25
const SOCKETIO_ROOMS = 500
const SOCKETIO_PROBE_ROOMS = 4
const SOCKETIO_COMMANDS_PER_ROOM = 8

// The orchestrator stays off the server's core (it is idle during windows anyway).
try {
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
} catch {
  log('taskset not available: processes are not pinned, figures will be noisier')
}

const notes: string[] = []
let quietWaitedS = 0

/** CPU % of one core used by processes other than the bench's own (orchestrator, generator) over `ms`. */
async function othersCpuPercent(ms: number): Promise<number> {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  const ours = () => cpuMicros(process.pid) + (gen.alive ? cpuMicros(gen.pid) : 0)
  const c0 = coreTimes()
  const o0 = ours()
  const t0 = performance.now()
  await new Promise((r) => setTimeout(r, ms))
  const c1 = coreTimes()
  return ((sum(c1.busy) - sum(c0.busy) - (ours() - o0)) / ((performance.now() - t0) * 1000)) * 100
}

/** Waits a little for a quieter machine when other work is running (other engineers' tests), within bounds. */
async function waitForQuiet(): Promise<void> {
  const started = performance.now()
  let others = await othersCpuPercent(500)
  while (others >= QUIET_PERCENT && (performance.now() - started) / 1000 < QUIET_WAIT_S && quietWaitedS + (performance.now() - started) / 1000 < QUIET_TOTAL_S) {
    others = await othersCpuPercent(1000)
  }
  const waited = (performance.now() - started) / 1000 - 0.5
  quietWaitedS += Math.max(0, waited)
  if (waited > 0.6) log(`  waited ${waited.toFixed(0)} s for other processes to calm down (now ${others.toFixed(0)}% of a core)`)
}
const gitLine = () => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'migrations'], { cwd: ROOT, encoding: 'utf8' }).trim()
    return `commit ${head}${dirty ? ' with uncommitted changes in server/ or shared/' : ''}`
  } catch {
    return 'commit unknown'
  }
}
const cpuModel = (() => {
  const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
  return m?.[1] ?? cpus()[0]?.model ?? 'unknown'
})()
const loadBefore = await machineLoad()
// What is measured is the code as it is now: edits made while the bench runs do not change it.
const gitAtStart = gitLine()
snapshotStepwise()

if (kinds.includes('postgres')) {
  const why = await postgresUnavailable()
  if (why) {
    console.log(`Skipping Stepwise on Postgres: ${why}`)
    notes.push(`Stepwise on Postgres skipped: ${why}`)
    kinds = kinds.filter((k) => k !== 'postgres')
  } else {
    const stale = await dropStaleBenchDatabases().catch(() => [])
    if (stale.length) log(`dropped ${stale.length} bench databases left by an earlier run`)
  }
}

let gen = await GeneratorProcess.start()
const ensureGenerator = async () => {
  if (!gen.alive) {
    log('the load generator died; starting a new one')
    gen = await GeneratorProcess.start()
  }
}

const points: PointResult[] = []
const capacity: CapacityResult[] = []
const socketio: SocketIoResult[] = []
const replay: BenchResults['replay'] = []
const failed = (what: string, err: unknown) => {
  const message = String((err as Error)?.message ?? err)
  console.error(`\n${what} failed:\n${message}\n`)
  notes.push(`${what} failed: ${message.split('\n')[0]}`)
}

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130)
    stopping = true
    log(`${signal}: stopping (servers are killed on exit)`)
    void gen.stop().finally(() => process.exit(130))
  })
}

try {
  // Load points: A B C A B C …, so drift on the machine spreads over every server alike.
  for (let rep = 1; rep <= reps; rep++) {
    for (const rooms of roomCounts) {
      for (const kind of kinds) {
        await ensureGenerator()
        log(`run ${rep}/${reps}: ${rooms} rooms on ${KIND_LABEL[kind]}`)
        await waitForQuiet()
        try {
          const r = await runPoint(gen, kind, rooms, rep, settings)
          points.push(r)
          log(
            `  ${r.updatesInPerSec.toFixed(0)} updates/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.cpuUsPerUpdate.toFixed(1)} µs CPU/update, ` +
              `RSS ${(r.rssPerRoom / 1024).toFixed(0)} kB/room, generator ${r.generator.cpuPercent.toFixed(0)}% CPU, other processes ${r.machine.otherCpuPercent.toFixed(0)}%` +
              (r.machine.busiest.length ? ` (${r.machine.busiest.join(', ')})` : '') +
              (r.problems.length ? ` [${r.problems.join('; ')}]` : ''),
          )
        } catch (err) {
          failed(`${rooms} rooms on ${KIND_LABEL[kind]} (run ${rep})`, err)
          await gen.request({ cmd: 'close' }).catch(() => {})
        }
      }
    }
  }

  if (doCapacity) {
    if (elapsedS() + 90 > budgetS) notes.push(`capacity ramp skipped: the time budget (${budgetS} s) would be exceeded`)
    else {
      // Reference first, then Stepwise: one ramp each, each with an equal share of the time left.
      const ramps = [...kinds].sort((a, b) => (a === 'reference' ? -1 : b === 'reference' ? 1 : 0))
      for (const [i, kind] of ramps.entries()) {
        await ensureGenerator()
        log(`capacity ramp on ${KIND_LABEL[kind]}: ${capacitySteps.join(', ')} rooms`)
        await waitForQuiet()
        try {
          // Leave time for socket.io and replay-seek (both databases) after the ramps.
          const left = started + (budgetS - 75) * 1000 - performance.now()
          const c = await runCapacity(gen, kind, capacitySteps, capacitySettings, 100, performance.now() + left / (ramps.length - i))
          capacity.push(c)
          for (const s of c.steps) {
            log(`  ${s.rooms} rooms: p99 ${s.p99.toFixed(1)} ms, server CPU ${s.serverCpuPercent.toFixed(0)}%, generator ${s.generatorCpuPercent.toFixed(0)}%${s.problems.length ? ` [${s.problems.join('; ')}]` : ''}`)
          }
          log(`  capacity ${c.capacity}${c.stoppedBecause ? ` (stopped: ${c.stoppedBecause})` : ''}`)
        } catch (err) {
          failed(`capacity ramp on ${KIND_LABEL[kind]}`, err)
          await gen.request({ cmd: 'close' }).catch(() => {})
        }
      }
    }
  }

  if (doSocketIo) {
    for (const kind of kinds.filter((k) => k !== 'reference')) {
      if (elapsedS() + 30 > budgetS) {
        notes.push(`socket.io on ${KIND_LABEL[kind]} skipped: the time budget (${budgetS} s) would be exceeded`)
        continue
      }
      await ensureGenerator()
      log(`socket.io timer on ${KIND_LABEL[kind]}: ${SOCKETIO_ROOMS} rooms + ${SOCKETIO_PROBE_ROOMS} probe rooms`)
      await waitForQuiet()
      try {
        const s = await runSocketIo(gen, kind, SOCKETIO_ROOMS, SOCKETIO_PROBE_ROOMS, SOCKETIO_COMMANDS_PER_ROOM)
        socketio.push(s)
        log(`  p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms over ${s.arrivals} arrivals`)
      } catch (err) {
        failed(`socket.io on ${KIND_LABEL[kind]}`, err)
      }
    }
  }
} finally {
  await gen.stop()
}

if (doReplay) {
  for (const kind of kinds.filter((k) => k !== 'reference')) {
    if (elapsedS() + 25 > budgetS) {
      notes.push(`replay-seek on ${KIND_LABEL[kind]} skipped: the time budget (${budgetS} s) would be exceeded (run \`npm run bench:replay\`)`)
      continue
    }
    log(`replay-seek on ${KIND_LABEL[kind]}`)
    try {
      replay.push({ kind, lines: await runReplaySeek(kind) })
    } catch (err) {
      failed(`replay-seek on ${KIND_LABEL[kind]}`, err)
    }
  }
}

async function runReplaySeek(kind: ServerKind): Promise<string[]> {
  const db = kind === 'postgres' ? await createBenchDatabase() : null
  try {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.DATABASE_URL
    if (db) env.DATABASE_URL = db.url
    const child = spawn(process.execPath, [...STEPWISE_NODE_FLAGS, '--import', 'tsx', 'bench/replay-seek.ts'], { cwd: stepwiseCodeRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    clearTimeout(timer)
    if (code !== 0) throw new Error(`exited with ${code}\n${err.slice(-3000)}`)
    return out.trim().split('\n')
  } finally {
    await db?.drop()
  }
}

const loadAfter = await machineLoad()
const totalS = elapsedS()
const results: BenchResults = {
  header: [
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cpus().length} cores (${cpuModel}), Node ${process.version}; Stepwise ${gitAtStart} (a copy taken when the run began)`,
    `machine load average before ${loadBefore.loadavg}, after ${loadAfter.loadavg}; busiest other processes in the second before: ${loadBefore.busy.join(', ') || 'none over 5%'}, after: ${loadAfter.busy.join(', ') || 'none over 5%'}`,
    `whole run ${totalS.toFixed(0)} s${full ? '' : ` (partial: ${process.argv.slice(2).join(' ')})`}; ${quietWaitedS.toFixed(0)} s of it waiting for other processes to calm down`,
  ],
  settings: [
    `server pinned to core 0, load generator to core 1 (taskset); Postgres ${kinds.includes('postgres') ? 'local, not pinned' : 'not measured'}; all on 127.0.0.1`,
    `${settings.clientsPerRoom} thin clients a room, ${settings.rateHz} updates/s each (one typed character in notes:clarify), + ${settings.probeRooms} probe rooms of 2 WebsocketProviders writing every 100 ms`,
    `load points: ${roomCounts.join(', ')} rooms × ${reps} runs, servers alternating, warm-up ${settings.warmupMs / 1000} s, window ${settings.windowMs / 1000} s; each run on a fresh server process and fresh database`,
    `capacity: one ramp per server over ${capacitySteps.join(', ')} rooms (warm-up ${capacitySettings.warmupMs / 1000} s, window ${capacitySettings.windowMs / 1000} s), stop at p99 ≥ 100 ms in two windows in a row or a generator that falls behind`,
    'memory is read after a forced full GC in the server (both servers alike); per room = (under load − before any socket) / (rooms + probe rooms)',
  ],
  points,
  capacity,
  socketio,
  replay,
  notes,
}
const markdown = renderMarkdown(results)
console.log(markdown)
const outPath = opt.out ?? join(ROOT, 'bench/results', full ? 'latest.md' : 'partial.md')
writeResults(markdown, outPath, results, full && !opt.out)
log(`written to ${outPath.replace(ROOT, '')} (and .json); whole run ${totalS.toFixed(0)} s`)
process.exit(0)
