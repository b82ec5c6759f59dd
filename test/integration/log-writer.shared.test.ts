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
 * The log several nodes write (REDIS_URL + DATABASE_URL): the database numbers the rows, and an
 * update two nodes both write (a dead node's, taken over; a moved client's, resent) is stored once.
 */
describe.skipIf(!DATABASE_URL)('the shared update log on Postgres', () => {
  let dir: string
  /** This node's log, and another node's (`taker`) that takes over what this one published. */
  let database: Database
  let taker: Database
  const nodeId = `a-${randomUUID().slice(0, 8)}`
  const takerId = `b-${randomUUID().slice(0, 8)}`
  let sql: postgres.Sql
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stepwise-shared-log-'))
    database = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: dir, sharedLog: { nodeId } })
    taker = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: dir, sharedLog: { nodeId: takerId } })
    sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await sql?.end({ timeout: 5 })
    await database?.close()
    await taker?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** `resent`: a sync step 2 or a dead node's update, which another node may have stored. */
  const update = (roomId: string, byte: number, resent = true): LoggedUpdate => ({ roomId, doc: 'board', seq: 0, at: 1_000 + byte, participantId: null, bytes: new Uint8Array([byte, 1, 2]), ...(resent ? { resent } : {}) })
  const write = async (updates: LoggedUpdate[], node = database) => {
    const batch = node.logWriter.newBatch()
    for (const u of updates) batch.add(u)
    return node.logWriter.writeUpdates(batch)
  }
  /** What the taker writes of this node's updates once this node's key has expired. */
  const takenOver = (u: LoggedUpdate, from = nodeId): LoggedUpdate => ({ ...u, resent: true, takenFrom: from })
  const rows = async (roomId: string) =>
    (await sql<{ seq: string; b: number }[]>`select seq, get_byte(bytes, 0) as b from yjs_updates where room_id = ${roomId} order by seq`).map((r) => [Number(r.seq), r.b])

  it("numbers each document's rows after the highest stored, whatever seq the node gave them", async () => {
    const room = randomUUID()
    expect(await write([update(room, 1), update(room, 2)])).toEqual([{ roomId: room, doc: 'board', seq: 2, rows: 2 }])
    expect(await write([update(room, 3)])).toEqual([{ roomId: room, doc: 'board', seq: 3, rows: 1 }])
    expect(await rows(room)).toEqual([[1, 1], [2, 2], [3, 3]])
  })

  it('leaves out a row whose bytes the document already holds, or an earlier row of the batch has, and numbers the rest without a gap', async () => {
    const room = randomUUID()
    await write([update(room, 1), update(room, 2)])
    // A dead node had written 1 and 2 before it died, not 3; the same update twice in a batch
    // (a document loaded twice on one node); 4 is new.
    const written = await write([update(room, 1), update(room, 2), update(room, 3), update(room, 3), update(room, 4)])
    expect(written).toEqual([{ roomId: room, doc: 'board', seq: 4, rows: 2 }])
    expect(await rows(room)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]])
    // Another node writes the same updates: nothing more is stored.
    expect(await write([update(room, 3), update(room, 4)])).toEqual([])
    // Plain updates (typing, from the one socket that sent them) are not looked for.
    expect(await write([update(room, 4, false)])).toEqual([{ roomId: room, doc: 'board', seq: 5, rows: 1 }])
    // The same bytes in another document are another update.
    const other = { ...update(room, 1), doc: 'private' }
    expect(await write([other])).toEqual([{ roomId: room, doc: 'private', seq: 1, rows: 1 }])
    expect(await rows(room)).toEqual([[1, 1], [1, 1], [2, 2], [3, 3], [4, 4], [5, 4]])
  })

  it('two nodes writing the same updates at once store them once', async () => {
    const room = randomUUID()
    const same = [5, 6, 7].map((b) => update(room, b))
    await Promise.all([write(same), write(same), write(same)])
    expect(await rows(room)).toEqual([[1, 5], [2, 6], [3, 7]])
  })

  it('a node with a shared log makes the md5 index the look goes through', async () => {
    const [index] = await sql<{ valid: boolean; def: string }[]>`select i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as def from pg_index i where i.indexrelid = to_regclass('yjs_updates_md5')`
    expect(index?.valid).toBe(true)
    expect(index?.def).toContain('md5(bytes)')
  })

  it('a batch refused and decoded again keeps which rows are resent, and whose they were', () => {
    const batch = database.logWriter.newBatch()
    batch.add(update('r', 1))
    batch.add(update('r', 2, false))
    batch.add(takenOver(update('r', 3, false), 'n1'))
    expect(database.logWriter.rowsOf(batch).map((u) => [u.resent ?? false, u.takenFrom ?? null])).toEqual([
      [true, null],
      [false, null],
      [true, 'n1'],
    ])
  })

  // The node had only stalled (its key expired while it ran): another node took over what it had
  // published and not confirmed, then the node woke up and wrote its queue, plain rows, itself.
  it('a node taken for dead stores none of its queued rows a second time, and the others still type unchecked', async () => {
    const room = randomUUID()
    await write([update(room, 1, false)])
    expect(await write([takenOver(update(room, 2, false)), takenOver(update(room, 3, false))], taker)).toEqual([{ roomId: room, doc: 'board', seq: 3, rows: 2 }])
    expect(await write([update(room, 2, false), update(room, 3, false), update(room, 4, false)])).toEqual([{ roomId: room, doc: 'board', seq: 4, rows: 1 }])
    expect(await rows(room)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]])
    // The fence names the node taken for dead, not the one that took over.
    const fenced = (await sql<{ node_id: string }[]>`select node_id from log_fences where node_id in (${nodeId}, ${takerId})`).map((r) => r.node_id)
    expect(fenced).toEqual([nodeId])
  })

  it("a stalled node's queue and another node's takeover of it, committed in either order, store each update once", async () => {
    const stalled = `s-${randomUUID().slice(0, 8)}`
    const dirOfStalled = mkdtempSync(join(tmpdir(), 'stepwise-shared-log-'))
    const node = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: dirOfStalled, sharedLog: { nodeId: stalled } })
    try {
      for (let trial = 0; trial < 20; trial++) {
        const room = randomUUID()
        const queued = [10, 11, 12].map((b) => update(room, b, false))
        const own = write([...queued, update(room, 13 + trial, false)], node)
        const takeover = write(queued.map((u) => takenOver(u, stalled)), taker)
        await Promise.all(trial % 2 ? [own, takeover] : [takeover, own])
        const stored = await rows(room)
        expect(stored.map(([, b]) => b).sort((x, y) => x! - y!)).toEqual([10, 11, 12, 13 + trial])
        expect(stored.map(([seq]) => seq)).toEqual([1, 2, 3, 4])
      }
    } finally {
      await node.close()
      rmSync(dirOfStalled, { recursive: true, force: true })
    }
  })
})
