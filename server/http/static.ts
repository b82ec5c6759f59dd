import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import type { Deps } from '../deps.js'

const CLIENT_DIR = fileURLToPath(new URL('../../dist/client', import.meta.url))

/** The built web client, with every non-file path answered by index.html (client-side routes). */
export function staticClient(_deps: Deps) {
  const app = new Hono()
  const index = `${CLIENT_DIR}/index.html`
  if (!existsSync(index)) {
    return app.get('*', (c) =>
      c.html(
        '<!doctype html><title>Stepwise</title><p>The web client is not built yet: run <code>npm run build</code> (or <code>npm start</code>, which builds it).</p>',
        503,
      ),
    )
  }
  const html = readFileSync(index, 'utf8')
  app.use('/assets/*', async (c, next) => {
    await next()
    // Vite puts a content hash in every asset name: they never change.
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  app.use('*', serveStatic({ root: CLIENT_DIR }))
  app.get('*', (c) => {
    c.header('Cache-Control', 'no-cache')
    return c.html(html)
  })
  return app
}
