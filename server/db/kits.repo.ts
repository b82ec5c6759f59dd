import { desc, eq, sql } from 'drizzle-orm'
import { findBuiltInKit, isBuiltInKitId } from '../../shared/kits/index.js'
import type { Kit } from '../../shared/kits/kit.js'
import type { Db } from './client.js'
import { kits } from './schema.js'

/** The latest version of every custom kit. */
export async function listCustomKits(db: Db): Promise<Kit[]> {
  const rows = await db
    .selectDistinctOn([kits.id], { kit: kits.kit })
    .from(kits)
    .orderBy(kits.id, desc(kits.version))
  return rows.map((r) => r.kit)
}

/** A kit by id: built-in, or a custom one at `version` (the latest when omitted). */
export async function findKit(db: Db, id: string, version?: number): Promise<Kit | undefined> {
  if (isBuiltInKitId(id)) return findBuiltInKit(id, version)
  const [row] = await db
    .select({ kit: kits.kit })
    .from(kits)
    .where(version === undefined ? eq(kits.id, id) : sql`${kits.id} = ${id} and ${kits.version} = ${version}`)
    .orderBy(desc(kits.version))
    .limit(1)
  return row?.kit
}

/** Stores a new version; fails (unique violation) if that version exists, which the caller turns into a conflict. */
export async function insertKitVersion(db: Db, kit: Kit, at: Date): Promise<void> {
  await db.insert(kits).values({ id: kit.id, version: kit.version, kit, createdAt: at })
}
