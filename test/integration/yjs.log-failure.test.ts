import { describe, expect, it } from 'vitest'
import { asc, eq, sql } from 'drizzle-orm'
import { yjsUpdates } from '../../server/db/schema.js'
import type { Logger } from '../../server/log.js'
import { connectY, createRoom, waitFor, type YClient } from '../helpers/clients.js'
import { dbKind, serverPerSuite } from '../helpers/server.js'

/** Log lines the server wrote, to wait for what it says it did. */
const lines: string[] = []
const log: Logger = {
  debug() {},
  info() {},
  warn: (msg) => void lines.push(msg),
  error: (msg) => void lines.push(msg),
}

describe(`the update log while the database refuses writes (${dbKind})`, () => {
  const suite = serverPerSuite({ log, flushIntervalMs: 20 })
  const open = (roomId: string, token: string): YClient => {
    const c = connectY(suite.server.url, roomId, token)
    suite.cleanup.push(() => c.destroy())
    return c
  }
  const logged = async (roomId: string) =>
    (await suite.server.deps.db.select({ seq: yjsUpdates.seq }).from(yjsUpdates).where(eq(yjsUpdates.roomId, roomId)).orderBy(asc(yjsUpdates.seq))).map((r) => r.seq)

  it('keeps every edit, keeps the room in memory past its unload, and writes it all in order once the database takes writes again', async () => {
    const db = suite.server.deps.db
    const { room, tokens } = await createRoom(suite.server.url)
    const a = open(room.id, tokens.candidate)
    await a.synced
    const notes = a.doc.getText('notes:clarify')
    notes.insert(0, 'before.')
    await waitFor(async () => (await logged(room.id)).length === 1, { what: 'the first edit logged' })

    // A trigger that refuses this room's rows, and only this room's: a database that says no. It
    // counts its refusals in a sequence (nextval is not rolled back with the refused statement).
    const fn = `refuse_${room.id.replace(/[^A-Za-z0-9]/g, '_')}`
    await db.execute(sql.raw(`create sequence ${fn}_tries`))
    await db.execute(sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin perform nextval('${fn}_tries'); raise exception 'refused for the test'; end $$`))
    await db.execute(sql.raw(`create trigger ${fn} before insert on yjs_updates for each row when (new.room_id = '${room.id}') execute function ${fn}()`))
    try {
      const refusals = async () => {
        const result = (await db.execute(sql.raw(`select case when is_called then last_value else 0 end as n from ${fn}_tries`))) as unknown
        const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ n: string | number }>
        return Number(rows[0]!.n)
      }
      const reports = () => lines.filter((l) => l.startsWith("update log: the database refused a room's rows")).length
      notes.insert(notes.length, ' during one.')
      await waitFor(async () => (await refusals()) >= 1, { what: 'the write refused' })
      // An edit after a failed write goes into a new batch (the failed one waits to be retried).
      notes.insert(notes.length, ' during two.')
      const before = await refusals()
      await waitFor(async () => (await refusals()) >= before + 2, { what: 'writes retried and refused again' })
      expect(await logged(room.id)).toEqual([1])
      // The cause is logged once, not at every retry.
      expect(reports()).toBe(1)

      // Everyone leaves: the room cannot unload, since its last edits exist only in memory.
      a.destroy()
      const beforeUnload = await refusals()
      await waitFor(() => lines.some((l) => l.startsWith('flush before unload failed')), { timeout: 15_000, what: 'the unload given up' })
      // The flush gave up after ~5 s of retries at the writer's backoff, not ten tries a second.
      expect((await refusals()) - beforeUnload).toBeLessThan(25)
      expect(reports()).toBe(1)
      expect(suite.server.docs.size).toBe(1)
      const b = open(room.id, tokens.interviewer)
      await b.synced
      expect(b.doc.getText('notes:clarify').toString()).toBe('before. during one. during two.')
      b.destroy()
    } finally {
      await db.execute(sql.raw(`drop trigger if exists ${fn} on yjs_updates`))
      await db.execute(sql.raw(`drop function if exists ${fn}()`))
      await db.execute(sql.raw(`drop sequence if exists ${fn}_tries`))
    }

    // Writes work again: the queued edits land in order, and the room then unloads.
    await waitFor(async () => (await logged(room.id)).length === 3, { timeout: 15_000, what: 'the queued edits written' })
    expect(await logged(room.id)).toEqual([1, 2, 3])
    await waitFor(() => lines.some((l) => l.startsWith('update log writes again')), { what: 'the recovery logged' })
    await waitFor(() => suite.server.docs.size === 0, { timeout: 15_000, what: 'the room unloaded' })
    const c = open(room.id, tokens.interviewer)
    await c.synced
    expect(c.doc.getText('notes:clarify').toString()).toBe('before. during one. during two.')
  }, 60_000)
})
