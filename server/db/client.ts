import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { type LogWriter, pgliteLogWriter, postgresLogWriter, postgresSharedLogWriter, sharedLogIndex } from './log-writer.js'
import * as schema from './schema.js'
import { lockDataDir } from './data-dir-lock.js'
import { PGliteThread } from './pglite-thread.js'

/** The one database type every repo function takes: both drivers speak it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Database {
  db: Db
  driver: 'pglite' | 'postgres'
  /** Writes the Yjs update log's batches the cheapest way each driver allows. */
  logWriter: LogWriter
  close(): Promise<void>
}

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url))
/** Serialises migrations of several nodes starting at once against one Postgres. */
const MIGRATION_LOCK = 7_340_101

/**
 * Opens Postgres when `databaseUrl` is set, embedded PGlite in `dataDir` otherwise; migrates.
 * `sharedLog`: several nodes write this Postgres's update log (REDIS_URL), so the database numbers its
 * rows; `nodeId` names this node in it (log-writer.ts).
 */
export async function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; sharedLog?: { nodeId: string } | undefined }): Promise<Database> {
  if (opts.databaseUrl) {
    // One connection for the migration, so the advisory lock and the migration share a session.
    const migrator = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} })
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`
      await migratePostgres(drizzlePostgres(migrator), { migrationsFolder })
      if (opts.sharedLog) await sharedLogIndex((query) => migrator.unsafe(query))
    } finally {
      await migrator.end({ timeout: 5 })
    }
    const client = postgres(opts.databaseUrl, { max: 10, onnotice: () => {} })
    const db = drizzlePostgres(client, { schema }) as unknown as Db
    return { db, driver: 'postgres', logWriter: opts.sharedLog ? postgresSharedLogWriter(db, opts.sharedLog.nodeId) : postgresLogWriter(db), close: () => client.end({ timeout: 5 }) }
  }
  mkdirSync(opts.dataDir, { recursive: true })
  // PGlite belongs to one process: a second server on this directory stops here, before opening it.
  const lock = lockDataDir(opts.dataDir)
  // On a thread of its own (pglite-thread.ts): its statements and file writes never hold the event loop.
  const client = await PGliteThread.open(`${opts.dataDir}/pglite`)
  const db = drizzlePglite({ client: client as unknown as PGlite, schema })
  await migratePglite(db, { migrationsFolder })
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    logWriter: pgliteLogWriter(client),
    close: () => client.close().finally(() => lock.release()),
  }
}

/** A cheap round trip, for health checks. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`)
}
