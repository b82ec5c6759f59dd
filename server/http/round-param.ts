import type { Context } from 'hono'
import { AppError } from '../../shared/errors.js'
import { MAX_ROUNDS } from '../../shared/rooms/roles.js'
import type { Caller } from '../auth/access.js'
import { intParam } from './int-param.js'

/** `?round=N`, default the caller's current round; a round that has not happened yet is a 404, one no room can have a 400. */
export function roundParam(c: Context, who: Caller): number {
  const round = intParam(c, 'round', { min: 1, max: MAX_ROUNDS }, who.round)
  if (round > who.round) throw new AppError('not_found', `round ${round} has not started`)
  return round
}
