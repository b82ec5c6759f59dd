import { Hono } from 'hono'
import { ping } from '../db/client.js'
import type { Deps } from '../deps.js'

export function healthRoutes(deps: Deps) {
  return new Hono().get('/', async (c) => {
    let ok = true
    try {
      await ping(deps.db)
    } catch {
      ok = false
    }
    const redis = deps.redis ? await deps.redis.healthy() : false
    return c.json({ ok, db: deps.driver, redis, version: deps.version }, ok ? 200 : 503)
  })
}
