/**
 * What a database error means for the code that got it: whether the connection went away under
 * it (worth one more try), whether the database refused the rows for good (a constraint), and the
 * cause to log. Errors come from postgres.js, from PGlite's thread (PGliteThreadError, with the
 * same Postgres fields) and wrapped by drizzle (DrizzleQueryError: the cause is in `cause`, its
 * own message holds the whole statement and its parameters, row data included).
 */

/**
 * postgres.js's codes for a connection lost under a query, and the socket errors it passes on.
 * Not CONNECTION_ENDED or CONNECTION_DESTROYED: those mean we closed the pool ourselves, and a
 * retry meets the same closed pool.
 */
const LOST_CONNECTION = new Set([
  'CONNECTION_CLOSED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

/**
 * SQLSTATEs of a server that dropped the session or would not take one: 57P01 admin_shutdown (what
 * pg_terminate_backend sends), 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08 is
 * connection_exception.
 */
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03'])

/** How deep a chain of `cause`s is followed (drizzle wraps once; a loop must not hang us). */
const MAX_CAUSES = 5

function* causes(err: unknown): Generator<Record<string, unknown>> {
  let e = err
  for (let depth = 0; depth < MAX_CAUSES && e !== null && typeof e === 'object'; depth++) {
    yield e as Record<string, unknown>
    e = (e as { cause?: unknown }).cause
  }
}

/** The Postgres SQLSTATE of an error (five characters), found through wrapping errors; null if none. */
export function sqlState(err: unknown): string | null {
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code
  }
  return null
}

/** True when the error means the connection to the database was lost, not that the statement was refused. */
export function isConnectionError(err: unknown): boolean {
  for (const e of causes(err)) {
    const code = e.code
    if (typeof code !== 'string') continue
    if (LOST_CONNECTION.has(code) || SHUTDOWN_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true
  }
  return false
}

/**
 * True for integrity constraint violations (SQLSTATE class 23: 23505 unique_violation, 23503
 * foreign_key_violation, 23502, 23514, …): the same rows are refused every time.
 */
export function isConstraintViolation(err: unknown): boolean {
  return sqlState(err)?.startsWith('23') ?? false
}

/** Longest message kept: a Postgres message is a line, but one raised by a trigger could be anything. */
const MAX_MESSAGE = 300

/**
 * The database's own cause of an error, fit to log: its SQLSTATE, message and constraint. Never the
 * statement, its parameters or the error's detail (for a check violation the detail is the whole
 * failing row, bytes and all).
 */
export function dbCause(err: unknown): { code: string | null; message: string; constraint?: string } {
  let deepest: Record<string, unknown> | null = null
  for (const e of causes(err)) {
    deepest = e
    if (typeof e.code === 'string') break
  }
  const raw = deepest && typeof deepest.message === 'string' ? deepest.message : String(err)
  // A wrapper without a coded cause (drizzle's own) still names the statement: keep its first line only.
  const message = (typeof deepest?.code === 'string' ? raw : (raw.split('\n')[0] ?? '')).slice(0, MAX_MESSAGE)
  const code = typeof deepest?.code === 'string' ? deepest.code : null
  const constraint = typeof deepest?.constraint_name === 'string' ? deepest.constraint_name : typeof deepest?.constraint === 'string' ? deepest.constraint : undefined
  return constraint ? { code, message, constraint } : { code, message }
}

/**
 * The pause before a retry. When the server drops a pool's connections at once, they do not die
 * at once: each backend ends when it gets to its signal, and the pool learns of it only when it
 * reads that socket's close (measured with pg_terminate_backend on 10 postgres.js connections on a
 * busy 2-core machine: the closes came over 15–30 ms after it returned).
 */
export const RETRY_PAUSE_MS = 50

/**
 * Tries after the first, on connection errors only. One would do, but postgres.js 3.4.9 replays a
 * killed query's 57P01 onto the first query of the connection it reconnects (its `errorResponse`
 * outlives the socket: porsager/postgres#1223, open upstream), so the one retry can meet that ghost
 * of the same lost connection; the next try is on a clean one.
 */
export const CONNECTION_RETRIES = 2

/**
 * Runs `fn`, and again (after RETRY_PAUSE_MS, up to CONNECTION_RETRIES times) while it fails
 * because the connection was lost; any other error is thrown at once. Only for work that is safe
 * to run twice: a write that may have committed before the connection went must be guarded (a
 * compare-and-set, `on conflict`), since its caller cannot tell.
 */
export async function retryOnConnectionError<T>(fn: () => Promise<T>, onRetry?: (err: unknown, retry: number) => void): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await fn()
    } catch (err) {
      if (retry > CONNECTION_RETRIES || !isConnectionError(err)) throw err
      onRetry?.(err, retry)
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS))
    }
  }
}
