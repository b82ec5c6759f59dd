import type { Context } from 'hono'
import { AppError } from '../../shared/errors.js'
import type { Caller } from '../auth/access.js'

/** `?round=N`, default the caller's current round; a round that has not happened is a 404. */
export function roundParam(c: Context, who: Caller): number {
  const raw = c.req.query('round')
  if (raw === undefined) return who.round
  const round = Number(raw)
  if (!Number.isInteger(round) || round < 1) throw new AppError('invalid', 'round must be a positive integer')
  if (round > who.round) throw new AppError('not_found', `round ${round} has not started`)
  return round
}
