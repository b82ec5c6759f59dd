import { Hono } from 'hono'
import { questionBank } from '../../shared/questions/bank.js'
import type { Deps } from '../deps.js'

/** The bank without its hints: anyone can list questions, and a candidate must not read the hints. */
export function questionRoutes(_deps: Deps) {
  return new Hono().get('/', (c) =>
    c.json({ questions: questionBank.map(({ id, title, prompt, tags }) => ({ id, title, prompt, tags })) }),
  )
}
