import { Hono } from 'hono'
import { AppError } from '../../shared/errors.js'
import { builtInKits, findBuiltInKit } from '../../shared/kits/index.js'
import { kitMinutes } from '../../shared/kits/kit.js'
import type { Deps } from '../deps.js'

export function kitRoutes(_deps: Deps) {
  return new Hono()
    .get('/', (c) =>
      c.json({
        kits: builtInKits.map((k) => ({
          id: k.id,
          version: k.version,
          title: k.title,
          description: k.description,
          builtIn: k.builtIn,
          minutes: kitMinutes(k),
          steps: k.steps.map((s) => ({ key: s.key, title: s.title, minutes: s.minutes })),
        })),
      }),
    )
    .get('/:id', (c) => {
      const kit = findBuiltInKit(c.req.param('id'))
      if (!kit) throw new AppError('not_found', 'no such kit')
      return c.json({ kit })
    })
}
