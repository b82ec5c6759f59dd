import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { afterAll, describe, expect, it } from 'vitest'
import { createTokenSigner } from '../../server/auth/tokens.js'
import { PGliteThread } from '../../server/db/pglite-thread.js'
import { mlSystemDesignKit } from '../../shared/kits/index.js'
import { Kit } from '../../shared/kits/kit.js'
import { initialTimer } from '../../shared/timer/timer.js'
import { api } from '../helpers/clients.js'
import { startTestServer } from '../helpers/server.js'

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url))
const SECRET = 'migration-test-secret-of-at-least-32-chars'

/** A copy of migrations/ that stops at `lastTag`: a database as an earlier version left it. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-migrations-'))
  cpSync(MIGRATIONS, dir, { recursive: true })
  const journalFile = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] }
  const last = journal.entries.findIndex((e) => e.tag === lastTag)
  expect(last, `no migration ${lastTag}`).toBeGreaterThanOrEqual(0)
  journal.entries = journal.entries.slice(0, last + 1)
  writeFileSync(journalFile, JSON.stringify(journal))
  return dir
}

const customKit = (id: string, version: number, keys: string[]): Kit =>
  Kit.parse({
    id,
    version,
    title: `Legacy kit v${version}`,
    description: 'made before rooms referenced their kit',
    builtIn: false,
    steps: keys.map((key) => ({
      key,
      title: `Step ${key} v${version}`,
      minutes: 10 + version,
      prompts: [`Walk through ${key}.`],
      hints: [`Probe ${key}.`],
      anchors: { mid: `mid ${key}`, senior: `senior ${key}`, staff: `staff ${key}` },
    })),
  })

// The database is built by hand at the migration before, so this runs on the embedded PGlite
// only (the shared Postgres of a CI run is already migrated); the SQL is the same on both.
describe('a database made before rooms referenced their kit, upgraded (pglite)', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every room on the kit it was made with: the built-in one, and a custom kit at its version, even one whose version row was lost', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-test-'))
    const folder = migrationsUpTo('0003_keyframe_format')
    dirs.push(dataDir, folder)

    const v1 = customKit('legacy-kit-abc234', 1, ['scope', 'design'])
    const v2 = customKit('legacy-kit-abc234', 2, ['scope', 'serving'])
    const lost = customKit('orphan-kit-xyz789', 3, ['frame', 'ship'])
    // Each room held a full copy of its kit, as rooms did before.
    const rooms = [
      { id: 'legacyroom1', kit: v1 },
      { id: 'legacyroom2', kit: Kit.parse(mlSystemDesignKit) },
      { id: 'legacyroom3', kit: lost },
    ]
    const client = await PGliteThread.open(join(dataDir, 'pglite'))
    try {
      const db = drizzle({ client: client as unknown as PGlite })
      await migrate(db, { migrationsFolder: folder })
      const at = new Date('2026-01-05T10:00:00Z')
      for (const kit of [v1, v2]) {
        await db.execute(sql`insert into kits (id, version, kit, created_at) values (${kit.id}, ${kit.version}, ${JSON.stringify(kit)}::jsonb, ${at.toISOString()})`)
      }
      for (const r of rooms) {
        await db.execute(sql`insert into rooms (id, title, mode, level, kit_id, kit, question_id, timer, timer_version, created_at)
          values (${r.id}, ${`Room ${r.id}`}, 'peer', 'senior', ${r.kit.id}, ${JSON.stringify(r.kit)}::jsonb, null, ${JSON.stringify(initialTimer(r.kit.steps))}::jsonb, 0, ${at.toISOString()})`)
        await db.execute(sql`insert into room_rounds (room_id, round, question_id, started_at) values (${r.id}, 1, null, ${at.toISOString()})`)
        await db.execute(sql`insert into invite_links (id, room_id, role, created_at, expires_at)
          values (${`link-${r.id}`}, ${r.id}, 'interviewer', ${at.toISOString()}, ${new Date(Date.now() + 86_400_000).toISOString()})`)
      }
    } finally {
      await client.close()
    }

    // The server applies the remaining migrations at start. Empty DATABASE_URL: PGlite, whatever the run.
    const server = await startTestServer({ dataDir, env: { SECRET, DATABASE_URL: '' } })
    try {
      const signer = createTokenSigner(SECRET)
      for (const r of rooms) {
        const token = signer.sign({ roomId: r.id, role: 'interviewer', linkId: `link-${r.id}`, expiresAt: Date.now() + 3_600_000 })
        const res = await api(server.url, `/api/rooms/${r.id}`, { token })
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        expect(res.body.room).toMatchObject({ kitId: r.kit.id, kitVersion: r.kit.version })
        expect(res.body.kit).toEqual(r.kit)
        // The rubric takes this kit's steps, not the latest version's.
        const rubric = await api(server.url, `/api/rooms/${r.id}/rubrics`, { token })
        expect(Object.keys(rubric.body.mine.steps).sort()).toEqual(r.kit.steps.map((s) => s.key).sort())
      }
      // The lost version is back in the kits table, from the room's copy: its editors see it too.
      const restored = await api(server.url, `/api/kits/${lost.id}?version=3`, { token: server.deps.tokens.kitToken(lost.id) })
      expect(restored.body.kit).toEqual(lost)
      // The custom kit's latest version is still v2: new rooms get it, legacyroom1 kept v1.
      expect((await api(server.url, `/api/kits/${v1.id}`)).body.kit.version).toBe(2)
      // And the copies are gone from the rooms' rows: each holds the kit's id and version only.
      const result: any = await server.deps.db.execute(sql`select to_jsonb(r) as "row" from rooms r order by r.id`)
      const stored = (Array.isArray(result) ? result : result.rows).map((r: { row: Record<string, unknown> }) => r.row)
      expect(stored.map((row: Record<string, unknown>) => [row.id, row.kit_id, row.kit_version, 'kit' in row])).toEqual(
        rooms.map((r) => [r.id, r.kit.id, r.kit.version, false]),
      )
    } finally {
      await server.stop({ keepData: true })
    }
  })
})
