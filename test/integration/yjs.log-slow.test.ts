import { describe, expect, it } from 'vitest'
import { and, eq, sql } from 'drizzle-orm'
import { yjsUpdates } from '../../server/db/schema.js'
import { connectY, createRoom, sleep, waitFor } from '../helpers/clients.js'
import { dbKind, serverPerSuite } from '../helpers/server.js'

const INTERVAL_MS = 1000
const SLOW_WRITE_MS = 3000

describe(`the update log while a write is slower than the group-commit interval (${dbKind})`, () => {
  const suite = serverPerSuite({ flushIntervalMs: INTERVAL_MS })

  it('writes an edit whose time came during the slow write as soon as that write ends, not a whole interval later', async () => {
    const db = suite.server.deps.db
    const { room, tokens } = await createRoom(suite.server.url)
    const a = connectY(suite.server.url, room.id, tokens.candidate)
    suite.cleanup.push(() => a.destroy())
    await a.synced
    const isLogged = async (seq: number) =>
      (await db.select({ seq: yjsUpdates.seq }).from(yjsUpdates).where(and(eq(yjsUpdates.roomId, room.id), eq(yjsUpdates.seq, seq)))).length === 1

    // The write of this room's first update takes SLOW_WRITE_MS: a database under pressure.
    const fn = `slow_${room.id.replace(/[^A-Za-z0-9]/g, '_')}`
    await db.execute(sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin perform pg_sleep(${SLOW_WRITE_MS / 1000}); return new; end $$`))
    await db.execute(sql.raw(`create trigger ${fn} before insert on yjs_updates for each row when (new.room_id = '${room.id}' and new.seq = 1) execute function ${fn}()`))
    try {
      const notes = a.doc.getText('notes:clarify')
      notes.insert(0, 'first.')
      // The first write starts one interval later and runs for SLOW_WRITE_MS; the second edit comes
      // in while it runs, and its own interval ends while it still runs.
      await sleep(INTERVAL_MS * 1.5)
      notes.insert(notes.length, ' second.')
      await waitFor(() => isLogged(1), { timeout: 15_000, interval: 10, what: 'the slow write done' })
      const firstSeenAt = Date.now()
      await waitFor(() => isLogged(2), { timeout: 15_000, interval: 10, what: 'the second edit written' })
      // Due since before the slow write ended: written right after it (it used to wait a whole
      // interval more: ~INTERVAL_MS here).
      expect(Date.now() - firstSeenAt).toBeLessThan(INTERVAL_MS / 2)
    } finally {
      await db.execute(sql.raw(`drop trigger if exists ${fn} on yjs_updates`))
      await db.execute(sql.raw(`drop function if exists ${fn}()`))
    }
  }, 30_000)
})
