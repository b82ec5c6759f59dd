/**
 * The load generator: a child process of bench/run.ts, pinned to core 1 with `taskset`, driven over
 * IPC (see ipc.ts). It holds the thin clients, the probe rooms and the socket.io clients, sends on
 * a schedule spread evenly over each period, and reports each measured window, including its own
 * health (event-loop delay, CPU, sends it could not make on time) so a saturated generator shows.
 * Every loop is bounded in count and time; the process exits on its own after BENCH_GENERATOR_MAX_MS.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import WebSocket from 'ws'
import type { Command, ConnectReport, Reply, SocketIoReport, WindowReport } from './ipc.js'
import { Probe } from './probe.js'
import { type Counters, newCounters, ThinClient } from './thin-client.js'
import { connectSocketIo, TimerProbeRoom, type TimerSamples } from './timer-probe.js'

const MAX_LIFETIME_MS = Number(process.env.BENCH_GENERATOR_MAX_MS ?? 20 * 60_000)
const CONNECT_TIMEOUT_MS = 30_000
const CONNECTS_IN_FLIGHT = 64
const SLOTS_PER_PERIOD = 100

setTimeout(() => {
  process.stderr.write(`generator: still running after ${MAX_LIFETIME_MS / 1000} s; exiting\n`)
  process.exit(3)
}, MAX_LIFETIME_MS).unref()
// Every WebsocketProvider adds a process 'exit' listener.
process.setMaxListeners(0)
// The orchestrator is gone: nothing left to do.
process.on('disconnect', () => process.exit(0))

let counters: Counters = newCounters()
const getCounters = () => counters

/**
 * Calls each client's `edit()` once a period, clients spread over SLOTS_PER_PERIOD slots so sends
 * are even over the period. A slot more than a whole period late is skipped and counted as missed
 * (no bursts of catch-up sends).
 */
class Scheduler {
  readonly slots: ThinClient[][] = Array.from({ length: SLOTS_PER_PERIOD }, () => [])
  missed = 0
  #added = 0
  #next = 0
  #nextAt = 0
  #periodMs = 100
  #timer: NodeJS.Timeout | null = null

  add(client: ThinClient): void {
    this.slots[this.#added++ % SLOTS_PER_PERIOD]!.push(client)
  }

  start(rateHz: number): void {
    this.#periodMs = 1000 / rateHz
    if (this.#timer) return
    this.#nextAt = performance.now()
    this.#tick()
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    for (const s of this.slots) s.length = 0
    this.#added = 0
  }

  #tick = (): void => {
    const slotMs = this.#periodMs / SLOTS_PER_PERIOD
    const now = performance.now()
    // At most one period of slots per tick, so a tick is bounded even when far behind.
    for (let i = 0; i < SLOTS_PER_PERIOD && this.#nextAt <= now; i++) {
      const slot = this.slots[this.#next]!
      if (now - this.#nextAt > this.#periodMs) this.missed += slot.length
      else for (const client of slot) client.edit()
      this.#next = (this.#next + 1) % SLOTS_PER_PERIOD
      this.#nextAt += slotMs
    }
    this.#timer = setTimeout(this.#tick, Math.max(0, this.#nextAt - performance.now()))
  }
}

const scheduler = new Scheduler()
let clients: ThinClient[] = []
let unscheduled: ThinClient[] = []
let probes: Probe[] = []
let unstartedProbes: Probe[] = []
const loopDelay = monitorEventLoopDelay({ resolution: 5 })
loopDelay.enable()
let window = { start: 0, cpu: process.cpuUsage(), probeWrites: 0 }
let gc = { maxMs: 0, totalMs: 0 }
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.totalMs += e.duration
    if (e.duration > gc.maxMs) gc.maxMs = e.duration
  }
}).observe({ entryTypes: ['gc'] })

async function connect(cmd: Extract<Command, { cmd: 'connect' }>): Promise<ConnectReport> {
  const started = performance.now()
  const fresh: ThinClient[] = []
  for (const room of cmd.rooms) for (let i = 0; i < cmd.clientsPerRoom; i++) fresh.push(new ThinClient(room.url, getCounters))
  const failures: string[] = []
  let next = 0
  const worker = async () => {
    while (next < fresh.length) {
      const client = fresh[next++]!
      await client.connect(CONNECT_TIMEOUT_MS).catch((err: Error) => failures.push(`${client.url.replace(/token=[^&]+/, 'token=…')}: ${err.message}`))
    }
  }
  await Promise.all(Array.from({ length: CONNECTS_IN_FLIGHT }, worker))
  clients.push(...fresh)
  unscheduled.push(...fresh.filter((c) => c.synced))
  const newProbes = cmd.probes.map((p) => new Probe(p.writer, p.observer))
  probes.push(...newProbes)
  unstartedProbes.push(...newProbes)
  const ready = await Promise.allSettled(newProbes.map((p) => p.ready(CONNECT_TIMEOUT_MS)))
  for (const r of ready) if (r.status === 'rejected') failures.push(`probe: ${String(r.reason?.message ?? r.reason)}`)
  return { ms: performance.now() - started, clients: fresh.length, probes: newProbes.length, failures }
}

function start(rateHz: number): void {
  for (const c of unscheduled) scheduler.add(c)
  unscheduled = []
  scheduler.start(rateHz)
  const period = 1000 / rateHz
  unstartedProbes.forEach((p, i) => p.start(period, (i * period) / Math.max(1, unstartedProbes.length)))
  unstartedProbes = []
}

function mark(): void {
  counters = newCounters()
  scheduler.missed = 0
  for (const p of probes) {
    p.delays = []
    p.slow = []
    p.recording = true
  }
  loopDelay.reset()
  gc = { maxMs: 0, totalMs: 0 }
  window = { start: performance.now(), cpu: process.cpuUsage(), probeWrites: probes.reduce((n, p) => n + p.writes, 0) }
}

function report(rateHz: number): WindowReport {
  const windowMs = performance.now() - window.start
  const cpu = process.cpuUsage(window.cpu)
  for (const p of probes) p.recording = false
  const scheduled = scheduler.slots.reduce((n, s) => n + s.length, 0)
  return {
    windowMs,
    clients: clients.length,
    openClients: clients.filter((c) => c.ws?.readyState === WebSocket.OPEN).length,
    sent: counters.sent,
    target: Math.round((scheduled * rateHz * windowMs) / 1000),
    missed: scheduler.missed,
    notOpen: counters.notOpen,
    probeWrites: probes.reduce((n, p) => n + p.writes, 0) - window.probeWrites,
    updatesReceived: counters.updatesReceived,
    awarenessReceived: counters.awarenessReceived,
    otherReceived: counters.otherReceived,
    maxBufferedAmount: counters.maxBufferedAmount,
    probeDelays: probes.flatMap((p) => p.delays),
    slowProbes: probes.flatMap((p) => p.slow).sort((a, b) => a[0] - b[0]),
    probesConnected: probes.filter((p) => p.connected()).length,
    probes: probes.length,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
    gcMaxMs: gc.maxMs,
    gcTotalMs: gc.totalMs,
  }
}

async function close(): Promise<void> {
  scheduler.stop()
  for (const p of probes) p.destroy()
  await Promise.all(clients.map((c) => c.close()))
  clients = []
  unscheduled = []
  probes = []
  unstartedProbes = []
}

async function socketio(cmd: Extract<Command, { cmd: 'socketio' }>): Promise<SocketIoReport> {
  const started = performance.now()
  const idleFailures: string[] = []
  const idle: Awaited<ReturnType<typeof connectSocketIo>>[] = []
  let next = 0
  const worker = async () => {
    while (next < cmd.idleTokens.length) {
      const token = cmd.idleTokens[next++]!
      await connectSocketIo(cmd.url, token, CONNECT_TIMEOUT_MS).then(
        (s) => idle.push(s),
        (err: Error) => idleFailures.push(err.message),
      )
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  const rooms = cmd.probeRooms.map(() => new TimerProbeRoom())
  try {
    await Promise.all(rooms.map((r, i) => r.connect(cmd.url, cmd.probeRooms[i]!, CONNECT_TIMEOUT_MS)))
    const connectMs = performance.now() - started
    const samples: TimerSamples = { arrivals: [], acks: [], failed: [] }
    const cpu = process.cpuUsage()
    const t0 = performance.now()
    // Rooms run side by side, offset so their commands interleave rather than coincide.
    await Promise.all(rooms.map((r, i) => r.run(cmd.commandsPerRoom, cmd.gapMs, samples, (i * cmd.gapMs) / rooms.length)))
    const used = process.cpuUsage(cpu)
    return {
      connectMs,
      idleConnected: idle.length,
      idleFailures,
      ...samples,
      cpuPercent: ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100,
    }
  } finally {
    for (const r of rooms) r.close()
    for (const s of idle) s.disconnect()
  }
}

let rate = 10
async function handle(cmd: Command): Promise<unknown> {
  switch (cmd.cmd) {
    case 'connect':
      return connect(cmd)
    case 'start':
      rate = cmd.rateHz
      start(cmd.rateHz)
      return null
    case 'mark':
      mark()
      return null
    case 'report':
      return report(rate)
    case 'close':
      await close()
      return null
    case 'socketio':
      return socketio(cmd)
  }
}

process.on('message', (msg: { id: number; command: Command }) => {
  handle(msg.command).then(
    (result) => process.send!({ id: msg.id, ok: true, result } satisfies Reply),
    (err: Error) => process.send!({ id: msg.id, ok: false, error: String(err?.stack ?? err) } satisfies Reply),
  )
})
process.send!({ ready: true })
