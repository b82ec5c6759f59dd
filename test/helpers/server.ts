import { afterAll, afterEach, beforeAll } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/config.js'
import { type RunningServer, type ServerOptions, startServer } from '../../server/server.js'

export interface TestServer extends RunningServer {
  dataDir: string
  /** Stops the server and removes its data directory (unless `keepData`). */
  stop(opts?: { keepData?: boolean }): Promise<void>
}

/**
 * A real server on 127.0.0.1, port 0, with a fresh PGlite in a temporary DATA_DIR, or the Postgres
 * of DATABASE_URL when the suite runs against a real server (.ci/run does both).
 */
export async function startTestServer(
  opts: { dataDir?: string; port?: number; env?: Record<string, string> } & ServerOptions = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'stepwise-test-'))
  const config = loadConfig({
    PORT: String(opts.port ?? 0),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...opts.env,
  })
  const server = await startServer(config, opts)
  return {
    ...server,
    dataDir,
    async stop({ keepData = false } = {}) {
      await server.close()
      if (!keepData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Which database the suite runs on, for test names and skips. */
export const dbKind = process.env.DATABASE_URL ? 'postgres' : 'pglite'

/**
 * One test server for a describe block: started before its tests, stopped after them. Functions
 * pushed onto `cleanup` (closing clients) run after each test.
 */
export function serverPerSuite(opts: Parameters<typeof startTestServer>[0] = {}): { readonly server: TestServer; cleanup: Array<() => void> } {
  let server: TestServer | undefined
  const cleanup: Array<() => void> = []
  beforeAll(async () => {
    server = await startTestServer(opts)
  })
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn()
  })
  afterAll(async () => {
    await server?.stop()
  })
  return {
    get server() {
      if (!server) throw new Error('the test server starts in beforeAll: use it inside a test or a hook')
      return server
    },
    cleanup,
  }
}
