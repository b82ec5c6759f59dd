import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess {
  url: string
  port: number
  child: ChildProcess
  /** Everything the process wrote to stderr so far. */
  stderr(): string
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>
}

/**
 * The real entry point (`server/main.ts`) in its own process, as `npm start` runs it, so tests can
 * send it signals. Resolves once it prints its URL.
 */
export function spawnServer(env: Record<string, string>, { timeoutMs = 30_000 } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start in ${timeoutMs} ms: ${err}`))
    }, timeoutMs)
    child.stdout!.on('data', (d) => {
      out += d
      const match = /running at (http:\/\/[^\s]+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve({ url: match[1]!, port: Number(new URL(match[1]!).port), child, stderr: () => err, exited })
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before starting: ${err}`))
    })
  })
}

/**
 * Server processes and data directories that a test starts, killed and removed after each test
 * (an `afterEach` of the calling describe block).
 */
export function processesPerTest(prefix: string): { tempDir(): string; start(env: Record<string, string>): Promise<ServerProcess> } {
  const dirs: string[] = []
  const procs: ServerProcess[] = []
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
      await p.exited
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  return {
    tempDir() {
      const d = mkdtempSync(join(tmpdir(), prefix))
      dirs.push(d)
      return d
    },
    async start(env) {
      const p = await spawnServer(env)
      procs.push(p)
      return p
    },
  }
}
