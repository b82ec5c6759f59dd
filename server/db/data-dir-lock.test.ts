import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataDirLockedError, LOCK_FILE, lockDataDir } from './data-dir-lock.js'

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(child.stdout)
}

describe('the DATA_DIR lock', () => {
  const dirs: string[] = []
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'stepwise-lock-'))
    dirs.push(d)
    return d
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  const lockPid = (d: string) => readFileSync(join(d, LOCK_FILE), 'utf8').trim()

  it('holds the pid of its process and is gone once released, with nothing else left in the directory', () => {
    const d = dir()
    const lock = lockDataDir(d, 4242)
    expect(lockPid(d)).toBe('4242')
    lock.release()
    expect(readdirSync(d)).toEqual([])
  })

  it('is refused while a live process holds it, naming the directory and that pid', () => {
    const d = dir()
    const holder = process.ppid // alive: it started us
    lockDataDir(d, holder)
    expect(() => lockDataDir(d, process.pid)).toThrow(DataDirLockedError)
    expect(() => lockDataDir(d, process.pid)).toThrow(new RegExp(`${d}.*pid ${holder}`))
    expect(lockPid(d)).toBe(String(holder))
  })

  it('a stale lock of a dead process, an empty one, or one of this very pid is taken over', () => {
    for (const content of [`${deadPid()}\n`, '', 'garbage', `${process.pid}\n`]) {
      const d = dir()
      writeFileSync(join(d, LOCK_FILE), content)
      lockDataDir(d, process.pid)
      expect(lockPid(d), JSON.stringify(content)).toBe(String(process.pid))
    }
  })

  it('release leaves alone a lock another process took over meanwhile', () => {
    const d = dir()
    const ours = lockDataDir(d, deadPid())
    // Our pid died (as far as the next process can tell) and another process took the lock.
    const other = lockDataDir(d, process.pid)
    ours.release()
    expect(lockPid(d)).toBe(String(process.pid))
    other.release()
    expect(existsSync(join(d, LOCK_FILE))).toBe(false)
  })
})
