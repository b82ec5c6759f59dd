import type { Context } from 'hono'
import { AppError } from '../../shared/errors.js'

/** The largest time a Date holds, in ms since the epoch. */
export const MAX_TIME_MS = 8.64e15
/** The largest Postgres integer (int4): a kit version, say. */
export const MAX_INT4 = 2_147_483_647

/**
 * A query parameter as a whole number within [min, max], or `fallback` when it is absent. Anything
 * else (empty, a fraction, a sign, an exponent or hex, spaces, out of range) is a 400 that names
 * the parameter: only plain decimal digits are a number here.
 */
export function intParam(c: Context, name: string, range: { min: number; max: number }, fallback: number): number {
  const raw = c.req.query(name)
  if (raw === undefined) return fallback
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!(n >= range.min && n <= range.max)) throw new AppError('invalid', `${name} must be a whole number from ${range.min} to ${range.max}`)
  return n
}
