import { fileURLToPath } from 'node:url'
import { build } from 'vite'

/** The e2e server serves dist/client: build the client once before the browser tests. */
export default async function setup(): Promise<void> {
  if (process.env.E2E_SKIP_BUILD === '1') return
  await build({ configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)), logLevel: 'warn' })
}
