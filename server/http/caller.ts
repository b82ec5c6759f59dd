import type { Context } from 'hono'
import { type Caller, authenticate, bearerToken } from '../auth/access.js'
import type { Deps } from '../deps.js'

/** The caller of a room's HTTP endpoint, from `Authorization: Bearer <token>`. */
export function httpCaller(deps: Deps, c: Context, roomId: string): Promise<Caller> {
  return authenticate(deps.db, deps.tokens, bearerToken(c.req.header('authorization')), roomId, deps.clock())
}
