/** Turns the results into one markdown document: summary tables first, every run last. */
import type { CapacityResult, PointResult, SocketIoResult } from './scenarios.js'
import { KIND_LABEL, type ServerKind } from './servers.js'
import { median, percentile } from './stats.js'

export interface BenchResults {
  header: string[]
  settings: string[]
  points: PointResult[]
  capacity: CapacityResult[]
  socketio: SocketIoResult[]
  replay: { kind: ServerKind; lines: string[] }[]
  notes: string[]
}

const P99_TARGET_MS = 100
const MEMORY_TARGET = 200 * 1024

const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '–')
const num = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–')
const kB = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(0) : '–')
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? (a / b).toFixed(2) : '–')
const range = (xs: number[], f: (x: number) => string) => (xs.length > 1 ? ` (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : '')

/** Median over the runs of one point, with the individual values kept for ranges. */
function summarise(runs: PointResult[]) {
  const m = (f: (r: PointResult) => number | null) => median(runs.map((r) => f(r) ?? Number.NaN))
  return {
    runs,
    updatesIn: m((r) => r.updatesInPerSec),
    received: m((r) => r.receivedPerSec),
    receivedShare: m((r) => r.receivedPerSec / r.expectedReceivedPerSec),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    // One run's p99 is about its 7th-worst of 640 samples; all runs' samples together give the
    // point's p99 from ~20 of ~1900, which moves far less from one bench to the next.
    p99Pooled: percentile(runs.flatMap((r) => r.delays ?? []), 99),
    cpu: m((r) => r.cpuUsPerUpdate),
    serverCpu: m((r) => r.serverCpuPercent),
    dbCpu: m((r) => r.dbCpuUsPerUpdate),
    rssPerRoom: m((r) => r.rssPerRoom),
    heapPerRoom: m((r) => r.heapPerRoom),
    gcTotal: m((r) => r.serverGc.totalMs),
    gcMax: m((r) => r.serverGc.maxMs),
    other: m((r) => r.machine.otherCpuPercent),
    steal: m((r) => r.machine.stealPercent),
    irq: m((r) => r.machine.irqPercent),
    genCpu: m((r) => r.generator.cpuPercent),
    genLoop: m((r) => r.generator.loopDelayMaxMs),
    serverLoop: m((r) => r.serverLoopMaxMs),
  }
}

export function renderMarkdown(res: BenchResults): string {
  const out: string[] = []
  out.push('## Stepwise vs the reference Yjs server', '')
  out.push(...res.header.map((l) => `- ${l}`), '')
  out.push(...res.settings.map((l) => `- ${l}`), '')

  const kinds = [...new Set(res.points.map((p) => p.kind))]
  const roomCounts = [...new Set(res.points.map((p) => p.rooms))].sort((a, b) => a - b)
  const groups = new Map<string, ReturnType<typeof summarise>>()
  for (const rooms of roomCounts) {
    for (const kind of kinds) {
      const runs = res.points.filter((p) => p.kind === kind && p.rooms === rooms)
      if (runs.length > 0) groups.set(`${rooms}/${kind}`, summarise(runs))
    }
  }

  if (groups.size > 0) {
    out.push('### Load points (median of the runs; range in brackets)', '')
    out.push(
      '| rooms | server | updates/s in | received/s (of expected) | p50 ms | p99 ms | p99 ms, runs pooled | server CPU µs/update | server CPU % | Postgres CPU µs/update | server GC ms in window (longest) | server longest stall ms | RSS/room kB | V8 heap/room kB | other processes CPU % / irq % / steal % | generator CPU % / longest stall ms |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    )
    for (const [key, g] of groups) {
      const [rooms, kind] = key.split('/') as [string, ServerKind]
      out.push(
        `| ${rooms} | ${KIND_LABEL[kind]} | ${num(g.updatesIn)} | ${num(g.received)} (${num(g.receivedShare * 100)}%) | ${ms(g.p50)} | ${ms(g.p99)}${range(g.runs.map((r) => r.p99), ms)} | ${ms(g.p99Pooled)} | ${num(g.cpu, 1)}${range(g.runs.map((r) => r.cpuUsPerUpdate), (x) => num(x, 1))} | ${num(g.serverCpu)} | ${Number.isFinite(g.dbCpu) ? num(g.dbCpu, 1) : '–'} | ${num(g.gcTotal)} (${ms(g.gcMax)}) | ${ms(g.serverLoop)} | ${kB(g.rssPerRoom)} | ${kB(g.heapPerRoom)} | ${num(g.other)} / ${num(g.irq)} / ${num(g.steal)} | ${num(g.genCpu)} / ${ms(g.genLoop)} |`,
      )
    }
    out.push('')

    if (kinds.includes('reference')) {
      out.push('### Stepwise / reference (ratios of the medians; targets from issue 6)', '')
      out.push(
        "| rooms | server | CPU/update | p50 | p99 | p99, runs pooled | RSS/room | V8 heap/room | CPU ≤ 1.0× | p99 ≤ reference | p99 ≤ reference, runs pooled | memory ≤ 200 kB/room (RSS) |",
        '|---|---|---|---|---|---|---|---|---|---|---|---|',
      )
      for (const rooms of roomCounts) {
        const ref = groups.get(`${rooms}/reference`)
        if (!ref) continue
        for (const kind of kinds.filter((k) => k !== 'reference')) {
          const g = groups.get(`${rooms}/${kind}`)
          if (!g) continue
          const yes = (ok: boolean) => (ok ? 'yes' : '**no**')
          out.push(
            `| ${rooms} | ${KIND_LABEL[kind]} | ${ratio(g.cpu, ref.cpu)} | ${ratio(g.p50, ref.p50)} | ${ratio(g.p99, ref.p99)} | ${ratio(g.p99Pooled, ref.p99Pooled)} | ${ratio(g.rssPerRoom, ref.rssPerRoom)} | ${ratio(g.heapPerRoom, ref.heapPerRoom)} | ${yes(g.cpu <= ref.cpu)} | ${yes(g.p99 <= ref.p99)} | ${Number.isFinite(g.p99Pooled) && Number.isFinite(ref.p99Pooled) ? yes(g.p99Pooled <= ref.p99Pooled) : '–'} | ${yes(g.rssPerRoom <= MEMORY_TARGET)} |`,
          )
        }
      }
      out.push('')
    }
  }

  // Per-room figures at one point carry the fixed cost of being under load at all (buffers, JIT
  // code, a database connection's caches); the slope between the smallest and largest point does not.
  const [fewest, most] = [roomCounts[0], roomCounts.at(-1)]
  if (fewest !== undefined && most !== undefined && most > fewest) {
    const slope = (kind: ServerKind, f: (r: PointResult) => number) => {
      const at = (rooms: number) => median(res.points.filter((p) => p.kind === kind && p.rooms === rooms).map(f))
      return (at(most) - at(fewest)) / (most - fewest)
    }
    const rss = (r: PointResult) => r.load.rss - r.baseline.rss
    const heap = (r: PointResult) => r.load.heapUsed - r.baseline.heapUsed
    const ref = kinds.includes('reference') ? { rss: slope('reference', rss), heap: slope('reference', heap) } : null
    out.push(`### Memory per extra room (slope from ${fewest} to ${most} rooms, medians; after a forced GC)`, '')
    out.push('| server | RSS kB per extra room | V8 heap kB per extra room | RSS vs reference | heap vs reference | ≤ 200 kB/room |', '|---|---|---|---|---|---|')
    for (const kind of kinds) {
      const r = slope(kind, rss)
      const h = slope(kind, heap)
      const vs = (a: number, b: number | undefined) => (ref && kind !== 'reference' && b !== undefined ? ratio(a, b) : '–')
      out.push(`| ${KIND_LABEL[kind]} | ${kB(r)} | ${kB(h)} | ${vs(r, ref?.rss)} | ${vs(h, ref?.heap)} | ${r <= MEMORY_TARGET ? 'yes' : '**no**'} |`)
    }
    out.push('')
  }

  if (res.capacity.length > 0) {
    out.push(`### Capacity: the largest room count with p99 under ${P99_TARGET_MS} ms (one ramp per server)`, '')
    out.push('| server | capacity (rooms) | stopped at | steps: rooms → p99 ms (server CPU %, generator CPU %) |', '|---|---|---|---|')
    const ref = res.capacity.find((c) => c.kind === 'reference')
    for (const c of res.capacity) {
      const cap = c.outOfTime ? `≥ ${c.capacity}` : c.capacity > 0 ? String(c.capacity) : `< ${c.steps[0]?.rooms ?? '?'}`
      const vs = ref && c.kind !== 'reference' && ref.capacity > 0 ? ` (${ratio(c.capacity, ref.capacity)}× reference)` : ''
      const steps = c.steps.map((s) => `${s.rooms} → ${s.p99Windows ? `${ms(s.p99Windows[0])}, again ${ms(s.p99Windows[1])}` : ms(s.p99)} (${num(s.serverCpuPercent)}%, ${num(s.generatorCpuPercent)}%)`).join('; ')
      out.push(`| ${KIND_LABEL[c.kind]} | ${cap}${vs} | ${c.stoppedBecause || 'every step passed'} | ${steps} |`)
    }
    out.push('')
  }

  if (res.socketio.length > 0) {
    out.push('### socket.io: timer command → `timer` event at every client of the room', '')
    out.push('| server | rooms open | idle clients | commands | arrivals | p50 ms | p99 ms | ack p50 ms | failures |', '|---|---|---|---|---|---|---|---|---|')
    for (const s of res.socketio) {
      out.push(
        `| ${KIND_LABEL[s.kind]} | ${s.rooms} | ${s.idleConnected} | ${s.commands} | ${s.arrivals} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.ackP50)} | ${s.failed.length ? s.failed.slice(0, 3).join('; ') : 'none'} |`,
      )
    }
    out.push('')
  }

  const emptied = res.points.filter((p) => p.after)
  if (emptied.length > 0) {
    out.push('### An empty room frees its memory (Stepwise; after every client left, then a forced GC)', '')
    out.push(
      '| rooms | server | heapUsed before any socket MB | under load MB | after all left MB | liveDocs after | sockets after | unloaded within ms | RSS before / load / after MB |',
      '|---|---|---|---|---|---|---|---|---|',
    )
    const mb = (b: number) => (b / 1048576).toFixed(1)
    for (const rooms of roomCounts) {
      for (const kind of kinds) {
        const runs = emptied.filter((p) => p.kind === kind && p.rooms === rooms)
        if (runs.length === 0) continue
        const m = (f: (r: PointResult) => number) => median(runs.map(f))
        const live = Math.max(...runs.map((r) => r.after!.liveDocs))
        const sockets = Math.max(...runs.map((r) => r.after!.yjsSockets))
        out.push(
          `| ${rooms} | ${KIND_LABEL[kind]} | ${mb(m((r) => r.baseline.heapUsed))} | ${mb(m((r) => r.load.heapUsed))} | ${mb(m((r) => r.after!.memory.heapUsed))} | ${live} | ${sockets} | ${num(m((r) => r.after!.unloadMs))} | ${mb(m((r) => r.baseline.rss))} / ${mb(m((r) => r.load.rss))} / ${mb(m((r) => r.after!.memory.rss))} |`,
        )
      }
    }
    out.push('')
  }

  if (res.replay.length > 0) {
    out.push('### Replay (bench/replay-seek.ts: a generated one-hour session of 100,000 updates)', '')
    for (const r of res.replay) out.push(`${KIND_LABEL[r.kind]}:`, '', '```', ...r.lines, '```', '')
  }

  if (res.notes.length > 0) out.push('### Notes', '', ...res.notes.map((n) => `- ${n}`), '')

  if (res.points.length > 0) {
    out.push('### Every run', '')
    out.push(
      '| # | rooms | server | updates/s in | p50 ms | p99 ms | probe samples | CPU µs/update | server CPU % | server GC ms (longest) | server longest stall ms | RSS/room kB | heap/room kB | other CPU % | irq % | steal % | gen CPU % | gen longest stall ms | gen GC longest ms | gen sent/schedule | busiest other processes | problems |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    )
    res.points.forEach((r, i) => {
      out.push(
        `| ${i + 1} | ${r.rooms} | ${KIND_LABEL[r.kind]} | ${num(r.updatesInPerSec)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.probeSamples} | ${num(r.cpuUsPerUpdate, 1)} | ${num(r.serverCpuPercent)} | ${num(r.serverGc.totalMs)} (${ms(r.serverGc.maxMs)}) | ${ms(r.serverLoopMaxMs)} | ${kB(r.rssPerRoom)} | ${kB(r.heapPerRoom)} | ${num(r.machine.otherCpuPercent)} | ${num(r.machine.irqPercent)} | ${num(r.machine.stealPercent)} | ${num(r.generator.cpuPercent)} | ${ms(r.generator.loopDelayMaxMs)} | ${ms(r.generator.gcMaxMs)} | ${num(r.generator.sendRatio * 100)}% | ${r.machine.busiest.join('; ').replaceAll('|', '/') || '–'} | ${r.problems.join('; ') || '–'} |`,
      )
    })
    out.push('')
  }
  return out.join('\n')
}
