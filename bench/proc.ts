/** Readers of /proc for a process the bench started: CPU time and resident memory (Linux only). */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

let ticksPerSecond = 0
/** Clock ticks a second (`getconf CLK_TCK`), read once. */
export function clockTicks(): number {
  if (!ticksPerSecond) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** utime + stime of a process (all its threads), in µs. Fields 14 and 15 of /proc/<pid>/stat. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1e6) / clockTicks()
}

/** VmRSS of a process, in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  if (!m) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(m[1]) * 1024
}

/** CPU µs summed over the Postgres backends serving one database (process title `postgres: … <db> …`). */
export function postgresBackendsCpuMicros(database: string): number {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmd.startsWith('postgres:') && cmd.split(/[\s\0]+/).includes(database)) total += cpuMicros(Number(entry))
    } catch {
      // the process ended between listing and reading
    }
  }
  return total
}

/** Load average, and the processes (other than this one and its parent) busiest over the next `ms`. */
export async function machineLoad(ms = 1000): Promise<{ loadavg: string; busy: string[] }> {
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  const p0 = allProcessesCpu()
  await new Promise((r) => setTimeout(r, ms))
  const p1 = allProcessesCpu()
  const busy = [...p1]
    .filter(([pid]) => pid !== process.pid && pid !== process.ppid)
    .map(([pid, p]) => ({ cmd: p.cmd, share: ((p.cpu - (p0.get(pid)?.cpu ?? p.cpu)) / (ms * 1000)) * 100 }))
    .filter((p) => p.share >= 5)
    .sort((a, b) => b.share - a.share)
    .slice(0, 3)
    .map((p) => `${p.share.toFixed(0)}% ${p.cmd}`)
  return { loadavg, busy }
}

/**
 * Time of each core since boot, in µs (from /proc/stat): `busy` in processes (user, nice, system),
 * `irq` (hard and soft interrupts: loopback TCP is mostly softirq, which no process is charged
 * for), and `steal` (the hypervisor ran someone else).
 */
export function coreTimes(): { busy: number[]; irq: number[]; steal: number[] } {
  const busy: number[] = []
  const irq: number[] = []
  const steal: number[] = []
  const tick = 1e6 / clockTicks()
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line)
    if (!m) continue
    // user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, , , hardIrq, softIrq, st] = m[2]!.split(/\s+/).map(Number) as number[]
    busy[Number(m[1])] = (user! + nice! + system!) * tick
    irq[Number(m[1])] = (hardIrq! + softIrq!) * tick
    steal[Number(m[1])] = (st ?? 0) * tick
  }
  return { busy, irq, steal }
}

/** CPU µs of every process now, with its command line (first 60 characters), to name who else was busy. */
export function allProcessesCpu(): Map<number, { cpu: number; cmd: string }> {
  const out = new Map<number, { cpu: number; cmd: string }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
      out.set(Number(entry), { cpu: cpuMicros(Number(entry)), cmd: cmd.replace(/^\S*\/(node|npm|npx) /, '$1 ').slice(0, 80) })
    } catch {
      // gone meanwhile
    }
  }
  return out
}
