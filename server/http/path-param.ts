import type { Context } from 'hono'
import { AppError } from '../../shared/errors.js'
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../../shared/text.js'

/**
 * A path parameter (`:id`, `:linkId`), refused with a 400 naming it when it holds what no id can
 * and the database cannot compare against (a NUL from `%00`): before this, such a lookup was a 500.
 */
export function pathParam(c: Context, name: string): string {
  const value = c.req.param(name)
  if (value === undefined) throw new AppError('invalid', `${name}: missing from the path`)
  if (!isSafeText(value)) throw new AppError('invalid', `${name}: ${UNSAFE_TEXT_MESSAGE}`)
  return value
}
