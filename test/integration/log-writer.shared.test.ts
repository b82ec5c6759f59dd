import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoggedUpdate } from '../../server/collab/doc-store.js'
import { type Database, openDatabase } from '../../server/db/client.js'

const DATABASE_URL = process.env.DATABASE_URL

/**
 * The log several nodes write (REDIS_URL + DATABASE_URL): the database numbers the rows, and a
 * row taken over from a dead node is stored only if no node stored it already.
 */
describe.skipIf(!DATABASE_URL)('the shared update log on Postgres', () => {
  let dir: string
  let database: Database
  let sql: postgres.Sql
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stepwise-shared-log-'))
    database = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: dir, sharedLog: true })
    sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await sql?.end({ timeout: 5 })
    await database?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const update = (roomId: string, byte: number, once?: true): LoggedUpdate => ({ roomId, doc: 'board', seq: 0, at: 1_000 + byte, participantId: null, bytes: new Uint8Array([byte, 1, 2]), ...(once ? { once } : {}) })
  const write = async (updates: LoggedUpdate[]) => {
    const batch = database.logWriter.newBatch()
    for (const u of updates) batch.add(u)
    return database.logWriter.writeUpdates(batch)
  }
  const rows = async (roomId: string) =>
    (await sql<{ seq: string; b: number }[]>`select seq, get_byte(bytes, 0) as b from yjs_updates where room_id = ${roomId} order by seq`).map((r) => [Number(r.seq), r.b])

  it("numbers each document's rows after the highest stored, whatever seq the node gave them", async () => {
    const room = randomUUID()
    expect(await write([update(room, 1), update(room, 2)])).toEqual([{ roomId: room, doc: 'board', seq: 2, rows: 2 }])
    expect(await write([update(room, 3)])).toEqual([{ roomId: room, doc: 'board', seq: 3, rows: 1 }])
    expect(await rows(room)).toEqual([[1, 1], [2, 2], [3, 3]])
  })

  it('stores a taken-over row only if the document has no row with its bytes, and numbers the rest without a gap', async () => {
    const room = randomUUID()
    await write([update(room, 1), update(room, 2)])
    // The dead node had written 1 and 2 before it died; 3 it had not. 4 is this node's own.
    const written = await write([update(room, 1, true), update(room, 2, true), update(room, 3, true), update(room, 4)])
    expect(written).toEqual([{ roomId: room, doc: 'board', seq: 4, rows: 2 }])
    expect(await rows(room)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]])
    // A second node takes the same updates over: nothing more is stored.
    expect(await write([update(room, 3, true)])).toEqual([])
    expect(await rows(room)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]])
    // An own row with bytes already stored is not looked for (only takeovers pay the look).
    await write([update(room, 4)])
    expect(await rows(room)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4], [5, 4]])
  })

  it('two nodes taking over the same updates at once store them once', async () => {
    const room = randomUUID()
    const orphans = [5, 6, 7].map((b) => update(room, b, true))
    await Promise.all([write(orphans), write(orphans), write(orphans)])
    expect(await rows(room)).toEqual([[1, 5], [2, 6], [3, 7]])
  })

  it("a batch refused and decoded again keeps which rows are taken over", () => {
    const batch = database.logWriter.newBatch()
    batch.add(update('r', 1, true))
    batch.add(update('r', 2))
    expect(database.logWriter.rowsOf(batch).map((u) => u.once ?? false)).toEqual([true, false])
  })
})
