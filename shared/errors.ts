/** The few error codes Stepwise speaks, on every surface (HTTP, socket acks, Yjs close codes). */
export type ErrorCode = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'rate_limited'

/** An error that can become a reply: HTTP maps `code` to a status, socket acks carry it as is. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** HTTP status for each error code. */
export const httpStatus: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 429> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  /** Sent with `Retry-After` (seconds). */
  rate_limited: 429,
}

/** Close codes of the Yjs websocket for errors decided after the upgrade. */
export const wsCloseCode: Record<ErrorCode, number> = {
  invalid: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  not_found: 4404,
  conflict: 4409,
  too_large: 4413,
  rate_limited: 4429,
}

/**
 * Close code of a Yjs socket whose update was refused because it depends on something the server
 * does not have (a gap, an unknown origin). In the 4500s, which stock y-websocket providers treat
 * as "try again": they reconnect, and sync step 1/2 brings the update with what it depends on.
 */
export const RESYNC_CLOSE_CODE = 4501
