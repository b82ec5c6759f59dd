import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const LOCK_FILE = 'stepwise.lock'

/** Another live process holds the lock: the message is the one line `main` prints before it stops. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another Stepwise process (pid ${holderPid}); stop it or use another DATA_DIR ` +
        `(if no such process is Stepwise, delete ${join(dataDir, LOCK_FILE)})`,
    )
    this.name = 'DataDirLockedError'
  }
}

export interface DataDirLock {
  /** Removes the lock file, if it is still ours. */
  release(): void
}

/**
 * Takes `DATA_DIR/stepwise.lock` for this process, holding its pid. PGlite is one process's
 * database: two servers on one directory would both start and one's writes vanish on restart.
 * A lock whose pid is not alive (SIGKILL, a crash) is stale and taken over.
 */
export function lockDataDir(dataDir: string, pid: number = process.pid): DataDirLock {
  const path = join(dataDir, LOCK_FILE)
  // A few rounds at most: a stale lock is removed and the file created again.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, pid)) return { release: () => releaseIfOurs(path, pid) }
    const holder = readHolder(path)
    // The same pid is ours from an earlier life (a container restarts its process under one pid).
    if (holder !== null && holder !== pid && isAlive(holder)) throw new DataDirLockedError(dataDir, holder)
    // Re-read just before removing, so a process that took the stale lock a moment ago keeps it.
    if (readHolder(path) === holder) removeQuietly(path)
  }
  throw new Error(`could not take the lock ${path}`)
}

/**
 * Creates the lock file holding `pid`; false if it exists already. Written aside and linked into
 * place, so no one ever reads it empty: an empty lock counts as a crash's leftover.
 */
function createExclusive(path: string, pid: number): boolean {
  const aside = `${path}.${pid}`
  writeFileSync(aside, `${pid}\n`)
  try {
    linkSync(aside, path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    removeQuietly(aside)
  }
}

/** The pid in the lock file; null if the file is gone, empty or unreadable (a crash while writing it). */
function readHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** Signal 0 checks without signalling: EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function releaseIfOurs(path: string, pid: number): void {
  if (readHolder(path) === pid) removeQuietly(path)
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}
