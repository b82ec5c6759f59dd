/**
 * Where the server was while its event loop stalled. Run the bench with BENCH_SERVER_PROF=<dir>
 * (servers write `--cpu-prof` profiles there on exit), then:
 *   tsx bench/stall-stacks.ts <dir> [bench/results/partial.json]
 * For every load run in the results whose server left a profile (matched by pid), takes the
 * window's stalls over 20 ms and prints the functions on the stack during them: inclusive share
 * (on the stack at all) and self share (running), summed over the stalls.
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

for (const run of results.points) {
  // A profile is named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread.
  const file = profiles.find((f) => f.split('.')[3] === String(run.serverPid) && f.split('.')[4] === '0')
  const stalls = run.slow.serverStalls.filter((s) => s.length === 3)
  if (!file || stalls.length === 0) continue
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const inclusive = new Map<string, number>()
  const self = new Map<string, number>()
  let total = 0
  let t = profile.startTime
  const windows = stalls.map(([, late, mono]) => [mono, mono + (20 + late) * 1000] as const)
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i]!
    const dt = profile.timeDeltas[i + 1] ?? 0
    if (!windows.some(([a, b]) => t >= a && t <= b)) return
    const leaf = byId.get(id)!
    if (leaf.callFrame.functionName === '(idle)') return
    total += dt
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt)
    const seen = new Set<string>()
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = label(byId.get(n)!)
      if (seen.has(k) || k.startsWith('(root)')) continue
      seen.add(k)
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt)
    }
  })
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${((v / total) * 100).toFixed(0).padStart(3)}%  ${k}`)
  console.log(`\n${run.kind}, ${run.rooms} rooms, run ${run.rep} (pid ${run.serverPid}): ${stalls.length} stalls over 20 ms, longest ${run.serverLoopMaxMs.toFixed(0)} ms; ${(total / 1000).toFixed(0)} ms of samples in them`)
  console.log(' on the stack (inclusive):')
  console.log(top(inclusive, 25).join('\n'))
  console.log(' running (self):')
  console.log(top(self, 12).join('\n'))
}
