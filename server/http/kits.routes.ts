import { Hono } from 'hono'
import { AppError } from '../../shared/errors.js'
import { builtInKits } from '../../shared/kits/index.js'
import { type Kit, KitInput, kitIdFor, kitMinutes } from '../../shared/kits/kit.js'
import { kitFor } from '../../shared/rooms/room.js'
import { bearerToken } from '../auth/access.js'
import { findKit, insertKitVersion, listCustomKits } from '../db/kits.repo.js'
import type { Deps } from '../deps.js'
import { newId } from '../ids.js'
import { intParam, MAX_INT4 } from './int-param.js'
import { jsonBody } from './json-body.js'
import { pathParam } from './path-param.js'

const summary = (k: Kit) => ({
  id: k.id,
  version: k.version,
  title: k.title,
  description: k.description,
  builtIn: k.builtIn,
  minutes: kitMinutes(k),
  steps: k.steps.map((s) => ({ key: s.key, title: s.title, minutes: s.minutes })),
})

/**
 * Interview kits: the built-in one, and custom kits anyone can make. A custom kit is versioned:
 * each edit is a new version, and rooms keep the version they were made with.
 */
export function kitRoutes(deps: Deps) {
  return new Hono()
    .get('/', async (c) => c.json({ kits: [...builtInKits, ...(await listCustomKits(deps.db))].map(summary) }))
    .get('/:id', async (c) => {
      const version = c.req.query('version') === undefined ? undefined : intParam(c, 'version', { min: 1, max: MAX_INT4 }, 1)
      const id = pathParam(c, 'id')
      const kit = await findKit(deps.db, id, version)
      if (!kit) throw new AppError('not_found', 'no such kit')
      // A custom kit's hints and anchors are its team's rubric: only its edit token reads them.
      // The built-in kit is published with Stepwise itself.
      const full = kit.builtIn || deps.tokens.verifyKitToken(id, bearerToken(c.req.header('authorization')))
      return c.json({ kit: full ? kit : kitFor('candidate', kit) })
    })
    .post('/', async (c) => {
      const input = await jsonBody(c, KitInput)
      const kit: Kit = { ...input, id: kitIdFor(input.title, newId(6)), version: 1, builtIn: false }
      await insertKitVersion(deps.db, kit, new Date(deps.clock()))
      // The edit token is shown once: whoever made the kit keeps it to publish new versions.
      return c.json({ kit, editToken: deps.tokens.kitToken(kit.id) }, 201)
    })
    .put('/:id', async (c) => {
      const id = pathParam(c, 'id')
      const current = await findKit(deps.db, id)
      if (!current) throw new AppError('not_found', 'no such kit')
      if (current.builtIn) throw new AppError('forbidden', 'built-in kits cannot be changed; create a custom kit instead')
      if (!deps.tokens.verifyKitToken(id, bearerToken(c.req.header('authorization')))) {
        throw new AppError('unauthorized', "this kit's edit token is required")
      }
      const input = await jsonBody(c, KitInput)
      const kit: Kit = { ...input, id, version: current.version + 1, builtIn: false }
      try {
        await insertKitVersion(deps.db, kit, new Date(deps.clock()))
      } catch {
        throw new AppError('conflict', 'another edit of this kit was saved first; reload it')
      }
      return c.json({ kit })
    })
}
