import { Hono } from 'hono'
import type { Deps } from '../deps.js'

/** Process figures for operators and benchmarks: live documents, sockets and memory. Nothing about any room. */
export function metricsRoutes(deps: Deps) {
  return new Hono().get('/', async (c) => {
    const memory = process.memoryUsage()
    const live = deps.liveStats()
    return c.json({
      liveDocs: live.docs,
      yjsSockets: live.sockets,
      socketIoSockets: live.socketIo,
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers },
      uptimeMs: Math.round(process.uptime() * 1000),
    })
  })
}
