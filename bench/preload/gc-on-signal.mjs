// Loaded into each benchmarked server (Stepwise and the reference alike) with
// `node --expose-gc --import ./bench/preload/gc-on-signal.mjs …`. It adds no work to the server's
// own paths; it only:
//  - on SIGUSR2, writes the garbage-collection pauses seen since start (time and length of each,
//    the last 20,000) and then, after a full collection, `process.memoryUsage()` to
//    BENCH_MEMORY_FILE, so the bench reads memory at rest the same way for both servers and can
//    tell how much of a window's delay the server spent collecting;
//  - every 20 ms, notes how late its timer fired when that is over 5 ms (the event loop was
//    blocked), so the bench can tell a window's stalls in the server from those in the generator;
//  - on SIGTERM, exits when nothing else listens (the reference server), so `--cpu-prof` profiles
//    get written; Stepwise has its own handler, which this leaves alone.
//  - in a server with worker threads (Stepwise's embedded database runs on one), collects every
//    thread's garbage first: they load this too, and answer on a BroadcastChannel.
import { renameSync, writeFileSync } from 'node:fs'
import { PerformanceObserver } from 'node:perf_hooks'
import { isMainThread } from 'node:worker_threads'

const threads = new BroadcastChannel('bench-gc-on-signal')
threads.unref()
if (!isMainThread) {
  threads.onmessage = ({ data }) => {
    if (data?.op !== 'gc') return
    if (typeof globalThis.gc === 'function') globalThis.gc()
    threads.postMessage({ op: 'collected', id: data.id })
  }
  threads.postMessage({ op: 'hello' })
}
/** Worker threads that said hello, and the answers awaited for a collection. */
let workers = 0
const waiting = new Map()
if (isMainThread) {
  threads.onmessage = ({ data }) => {
    if (data?.op === 'hello') workers++
    if (data?.op === 'collected') waiting.get(data.id)?.()
  }
}
/** Asks every worker thread to collect; resolves when all have, or after a second. */
function collectWorkers(id) {
  if (workers === 0) return Promise.resolve()
  return new Promise((resolve) => {
    let left = workers
    const timer = setTimeout(done, 1000)
    function done() {
      clearTimeout(timer)
      waiting.delete(id)
      resolve()
    }
    waiting.set(id, () => {
      if (--left === 0) done()
    })
    threads.postMessage({ op: 'gc', id })
  })
}

// The rest measures the server's own thread only.
if (isMainThread) {
  const pauses = []
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      pauses.push([Math.round(performance.timeOrigin + e.startTime), Math.round(e.duration * 100) / 100])
    }
    if (pauses.length > 20_000) pauses.splice(0, pauses.length - 20_000)
  }).observe({ entryTypes: ['gc'] })

  const stalls = []
  let expected = performance.now() + 20
  setInterval(() => {
    const now = performance.now()
    const late = now - expected
    if (late > 5) {
      // Also the monotonic µs when the loop was last free, the clock `--cpu-prof` profiles use.
      const monoUs = Math.round(Number(process.hrtime.bigint() / 1000n) - (now - expected + 20) * 1000)
      stalls.push([Math.round(performance.timeOrigin + expected), Math.round(late * 100) / 100, monoUs])
    }
    if (stalls.length > 20_000) stalls.splice(0, stalls.length - 20_000)
    expected = now + 20
  }, 20).unref()

  let seq = 0
  process.on('SIGUSR2', async () => {
    const gcPauses = pauses.slice()
    const loopStalls = stalls.slice()
    await collectWorkers(seq + 1)
    if (typeof globalThis.gc === 'function') globalThis.gc()
    const file = process.env.BENCH_MEMORY_FILE
    if (!file) return
    writeFileSync(`${file}.tmp`, JSON.stringify({ seq: ++seq, ...process.memoryUsage(), gcPauses, loopStalls }))
    renameSync(`${file}.tmp`, file)
  })

  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 1) process.exit(0)
  })
}
