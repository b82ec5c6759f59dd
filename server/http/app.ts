import type { IncomingMessage } from 'node:http'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import { AppError, httpStatus } from '../../shared/errors.js'
import type { Deps } from '../deps.js'
import { healthRoutes } from './health.routes.js'
import { kitRoutes } from './kits.routes.js'
import { metricsRoutes } from './metrics.routes.js'
import { questionRoutes } from './questions.routes.js'
import { retryAfterSeconds } from './rate-limit.js'
import { replayRoutes } from './replay.routes.js'
import { reportRoutes } from './report.routes.js'
import { roomRoutes } from './rooms.routes.js'
import { rubricRoutes } from './rubrics.routes.js'
import { staticClient } from './static.js'

/** JSON bodies are small: the largest is a custom kit. */
const MAX_BODY_BYTES = 256 * 1024

export function createApp(deps: Deps): Hono {
  const app = new Hono()
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppError('too_large', `request body over ${MAX_BODY_BYTES} bytes`)
      },
    }),
  )
  // Before the body is read: a refused creation costs no parsing and no database work.
  app.post('/api/rooms', async (c, next) => {
    const verdict = deps.limits.rooms((c.env as { incoming: IncomingMessage }).incoming)
    if (!verdict.ok) {
      const seconds = retryAfterSeconds(verdict.retryAfterMs)
      c.header('Retry-After', String(seconds))
      throw new AppError('rate_limited', `too many rooms created from this address; try again in ${seconds} s`)
    }
    await next()
  })
  app.route('/api/health', healthRoutes(deps))
  app.route('/api/metrics', metricsRoutes(deps))
  app.route('/api/kits', kitRoutes(deps))
  app.route('/api/questions', questionRoutes(deps))
  app.route('/api/rooms', roomRoutes(deps))
  app.route('/api/rooms', rubricRoutes(deps))
  app.route('/api/rooms', replayRoutes(deps))
  app.route('/api/rooms', reportRoutes(deps))
  app.all('/api/*', () => {
    throw new AppError('not_found', 'no such endpoint')
  })
  app.route('/', staticClient(deps))

  app.onError((err, c) => {
    if (err instanceof AppError) {
      // A refused body is left unread on the connection: close it, or the client's next request
      // on this keep-alive socket fails when the server drops it mid-drain.
      if (err.code === 'too_large') c.header('Connection', 'close')
      const details = err.details === undefined ? {} : { details: err.details }
      return c.json({ error: { code: err.code, message: err.message, ...details } }, httpStatus[err.code])
    }
    if (err instanceof z.ZodError) {
      const issue = err.issues[0]
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
      return c.json({ error: { code: 'invalid', message: `${where}${issue?.message ?? 'invalid input'}` } }, 400)
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: { code: 'invalid', message: err.message } }, err.status)
    }
    deps.log.error('unhandled http error', { path: c.req.path, error: err instanceof Error ? err.stack : String(err) })
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500)
  })
  return app
}
