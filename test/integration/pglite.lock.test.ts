import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { api } from '../helpers/clients.js'
import { processesPerTest } from '../helpers/process.js'
import { dbKind } from '../helpers/server.js'

const LOCK = 'stepwise.lock'
/** Each test starts two processes; on a busy machine one start can take a while. */
const TWO_STARTS_MS = 90_000

describe(`one DATA_DIR, one server (${dbKind})`, () => {
  const { tempDir, start } = processesPerTest('stepwise-lock-')
  const lockHolder = (dir: string) => readFileSync(join(dir, LOCK), 'utf8').trim()

  describe.skipIf(dbKind !== 'pglite')('on PGlite', () => {
    it('a second server on the same DATA_DIR refuses to start with one line naming the directory and the holder, and the first keeps serving', async () => {
      const dir = tempDir()
      const first = await start({ DATA_DIR: dir })
      const refused = await start({ DATA_DIR: dir }).then(
        () => null,
        (err: Error) => err.message,
      )
      expect(refused, 'the second server started').not.toBeNull()
      expect(refused).toMatch(/^server exited with 1 before starting: /)
      const stderr = refused!.replace(/^server exited with 1 before starting: /, '')
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^stepwise: DATA_DIR ${dir} is in use .*pid ${first.child.pid}\\b`))])

      expect((await api(first.url, '/api/health')).status).toBe(200)
      expect(lockHolder(dir)).toBe(String(first.child.pid))
    }, TWO_STARTS_MS)

    it('the lock is released on a clean shutdown, and the next server on the DATA_DIR takes it', async () => {
      const dir = tempDir()
      const first = await start({ DATA_DIR: dir })
      expect(lockHolder(dir)).toBe(String(first.child.pid))
      first.child.kill('SIGTERM')
      expect(await first.exited, first.stderr()).toBe(0)
      expect(existsSync(join(dir, LOCK))).toBe(false)

      const second = await start({ DATA_DIR: dir })
      expect(lockHolder(dir)).toBe(String(second.child.pid))
    }, TWO_STARTS_MS)

    it('a stale lock left by a killed server is recovered: the next server starts and holds the lock', async () => {
      const dir = tempDir()
      const first = await start({ DATA_DIR: dir })
      first.child.kill('SIGKILL')
      expect(await first.exited).toBe('SIGKILL')
      // SIGKILL leaves the lock behind, naming a pid that is no longer alive.
      expect(lockHolder(dir)).toBe(String(first.child.pid))

      const second = await start({ DATA_DIR: dir })
      expect(lockHolder(dir)).toBe(String(second.child.pid))
      expect((await api(second.url, '/api/health')).status).toBe(200)
    }, TWO_STARTS_MS)
  })

  describe.skipIf(dbKind !== 'postgres')('on Postgres', () => {
    it('two servers may share a DATA_DIR (it holds only the secret) and no lock is taken', async () => {
      const dir = tempDir()
      const [a, b] = await Promise.all([start({ DATA_DIR: dir }), start({ DATA_DIR: dir })])
      expect((await api(a.url, '/api/health')).status).toBe(200)
      expect((await api(b.url, '/api/health')).status).toBe(200)
      expect(existsSync(join(dir, LOCK))).toBe(false)
    }, TWO_STARTS_MS)
  })
})
