import type { Context } from 'hono'
import type { z } from 'zod'
import { AppError } from '../../shared/errors.js'

/** Parses a JSON body against a schema: malformed JSON and invalid fields are both a 400. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, opts: { emptyAs?: unknown } = {}): Promise<z.infer<S>> {
  const text = await c.req.text()
  let raw: unknown
  if (text.trim() === '' && 'emptyAs' in opts) raw = opts.emptyAs
  else {
    try {
      raw = JSON.parse(text)
    } catch {
      throw new AppError('invalid', 'the request body is not valid JSON')
    }
  }
  return schema.parse(raw)
}
