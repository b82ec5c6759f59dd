/**
 * Where the server's time went in each measured window, and where it was while its event loop
 * stalled. Run the bench with BENCH_SERVER_PROF=<dir> (servers write `--cpu-prof` profiles there
 * on exit), then:
 *   tsx bench/stall-stacks.ts <dir> [bench/results/partial.json]
 * For every load run in the results whose server left a profile (matched by pid), it prints:
 *  - the window's CPU by package or source file (self time: what was running), so start-up and
 *    room creation do not blur the picture;
 *  - the window's stalls over 20 ms: the functions on the stack during them (inclusive share) and
 *    the functions running (self share), summed over the stalls.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchResults } from './report.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

const [dir, resultsPath = 'bench/results/partial.json'] = process.argv.slice(2)
if (!dir) {
  console.error('usage: tsx bench/stall-stacks.ts <profile dir> [results.json]')
  process.exit(2)
}
const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResults
const profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`

/** What a sample was running, grouped: a package, one of Stepwise's files, PGlite's WASM, or a native/VM bucket. */
function group(n: ProfileNode): string {
  const { functionName, url } = n.callFrame
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`
  if (url.startsWith('wasm')) return 'PGlite WASM'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  const own = /\/(server|shared)\/(.*)$/.exec(url)
  if (own) return `${own[1]}/${own[2]}`
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`
  return url.split('/').pop()!
}

const pct = (v: number, total: number) => `${((v / total) * 100).toFixed(0).padStart(3)}%`
const top = (m: Map<string, number>, n: number, total: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${pct(v, total)}  ${k}`)
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v)

for (const run of results.points) {
  // A profile is named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread.
  const file = profiles.find((f) => f.split('.')[3] === String(run.serverPid) && f.split('.')[4] === '0')
  if (!file) continue
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const stalls = run.slow.serverStalls.filter((s) => s.length === 3).map(([, late, mono]) => [mono, mono + (20 + late) * 1000] as const)
  const [from, to] = run.windowMonoUs ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]

  const windowSelf = new Map<string, number>()
  let windowTotal = 0
  let windowBusy = 0
  const stallInclusive = new Map<string, number>()
  const stallSelf = new Map<string, number>()
  let stallTotal = 0
  let t = profile.startTime
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i]!
    const dt = profile.timeDeltas[i + 1] ?? 0
    const leaf = byId.get(id)!
    const idle = leaf.callFrame.functionName === '(idle)'
    if (t >= from && t <= to) {
      windowTotal += dt
      if (!idle) {
        windowBusy += dt
        add(windowSelf, group(leaf), dt)
      }
    }
    if (idle || !stalls.some(([a, b]) => t >= a && t <= b)) return
    stallTotal += dt
    add(stallSelf, label(leaf), dt)
    const seen = new Set<string>()
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = label(byId.get(n)!)
      if (seen.has(k) || k.startsWith('(root)')) continue
      seen.add(k)
      add(stallInclusive, k, dt)
    }
  })
  console.log(`\n=== ${run.kind}, ${run.rooms} rooms, run ${run.rep} (pid ${run.serverPid}), ${file}`)
  if (windowTotal > 0) {
    console.log(` window: busy ${pct(windowBusy, windowTotal)} of ${(windowTotal / 1e6).toFixed(1)} s; of the busy time:`)
    console.log(top(windowSelf, 18, windowBusy).join('\n'))
  }
  if (stallTotal > 0) {
    console.log(` ${stalls.length} stalls over 20 ms, longest ${run.serverLoopMaxMs.toFixed(0)} ms (${(stallTotal / 1000).toFixed(0)} ms of samples); on the stack:`)
    console.log(top(stallInclusive, 22, stallTotal).join('\n'))
    console.log(' running during the stalls:')
    console.log(top(stallSelf, 10, stallTotal).join('\n'))
  }
}
