import { afterEach, describe, expect, it } from 'vitest'
import { and, asc, eq, sql } from 'drizzle-orm'
import * as Y from 'yjs'
import { yjsUpdates } from '../../server/db/schema.js'
import type { Logger } from '../../server/log.js'
import { connectY, createRoom, waitFor, type YClient } from '../helpers/clients.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'

/** Room B's edits must not wait for room A's trouble: logged within this, as if nothing happened. */
const UNAFFECTED_MS = 2000

describe(`the update log when the database refuses one room's rows (${dbKind})`, () => {
  const cleanup: Array<() => void | Promise<void>> = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  /** A server of its own (its stop is part of what is tested), with every log line it writes. */
  const start = async () => {
    const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = []
    const at = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ level, msg, fields })
    const log: Logger = { debug() {}, info: at('info'), warn: at('warn'), error: at('error') }
    const server = await startTestServer({ log, flushIntervalMs: 20 })
    let stopped = false
    cleanup.push(async () => {
      if (!stopped) await server.stop().catch(() => {})
    })
    const stop = async () => {
      stopped = true
      await server.stop()
    }
    const [a, b] = await Promise.all([createRoom(server.url), createRoom(server.url)])
    const open = (roomId: string, token: string): YClient => {
      const c = connectY(server.url, roomId, token)
      cleanup.push(() => c.destroy())
      return c
    }
    const clientA = open(a.room.id, a.tokens.candidate)
    const clientB = open(b.room.id, b.tokens.candidate)
    await Promise.all([clientA.synced, clientB.synced])
    return { server, lines, stop, roomA: a.room.id, roomB: b.room.id, clientA, clientB }
  }

  const loggedSeqs = async (server: TestServer, roomId: string) =>
    (await server.deps.db.select({ seq: yjsUpdates.seq }).from(yjsUpdates).where(eq(yjsUpdates.roomId, roomId)).orderBy(asc(yjsUpdates.seq))).map((r) => r.seq)

  /**
   * A trigger refusing room A's rows with the given SQL error; returns its removal, through the
   * server's database or, once that server has stopped, through the one that took its place.
   */
  const refuse = async (server: TestServer, roomId: string, raise: string) => {
    const fn = `refuse_${roomId.replace(/[^A-Za-z0-9]/g, '_')}`
    let db = server.deps.db
    await db.execute(sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin ${raise}; end $$`))
    await db.execute(sql.raw(`create trigger ${fn} before insert on yjs_updates for each row when (new.room_id = '${roomId}') execute function ${fn}()`))
    let removed = false
    const remove = async (via?: TestServer) => {
      if (via) db = via.deps.db
      if (removed) return
      removed = true
      await db.execute(sql.raw(`drop trigger if exists ${fn} on yjs_updates`))
      await db.execute(sql.raw(`drop function if exists ${fn}()`))
    }
    cleanup.push(() => remove())
    return remove
  }

  const typeIn = (client: YClient, text: string) => {
    const notes = client.doc.getText('notes:clarify')
    notes.insert(notes.length, text)
  }

  it("a room whose rows the database refuses holds back no other room's, is logged once, and is written once the cause is gone", async () => {
    const { server, lines, stop, roomA, roomB, clientA, clientB } = await start()
    const removeTrigger = await refuse(server, roomA, `raise exception 'refused for the test'`)
    const refusals = () => lines.filter((l) => l.msg.startsWith("update log: the database refused a room's rows")).length

    // Both rooms' edits in the same group commit: the batch the database refuses holds both.
    typeIn(clientA, 'a one.')
    typeIn(clientB, 'b one.')
    await waitFor(async () => (await loggedSeqs(server, roomB)).length === 1, { timeout: UNAFFECTED_MS, what: "room B's edit logged" })
    await waitFor(() => refusals() >= 1, { what: "room A's refusal logged" })
    // And later: room B goes on as if nothing happened, room A's edits wait.
    for (let i = 2; i <= 4; i++) {
      typeIn(clientA, ` a ${i}.`)
      typeIn(clientB, ` b ${i}.`)
      await waitFor(async () => (await loggedSeqs(server, roomB)).length === i, { timeout: UNAFFECTED_MS, what: `room B's edit ${i} logged` })
    }
    expect(await loggedSeqs(server, roomA)).toEqual([])
    // Retried meanwhile, logged once, with the database's cause and never the rows.
    expect(refusals()).toBe(1)
    const line = lines.find((l) => l.msg.startsWith("update log: the database refused a room's rows"))!
    expect(line).toMatchObject({ level: 'error', fields: { room: roomA, code: 'P0001', message: 'refused for the test' } })
    expect(JSON.stringify(line)).not.toContain('a one')

    await removeTrigger()
    await waitFor(async () => (await loggedSeqs(server, roomA)).length === 4, { timeout: 15_000, what: "room A's edits written after the cause is gone" })
    expect(await loggedSeqs(server, roomA)).toEqual([1, 2, 3, 4])
    await waitFor(() => lines.some((l) => l.msg === 'update log writes again' && l.fields.room === roomA), { what: 'the recovery logged' })
    typeIn(clientA, ' a 5.')
    await waitFor(async () => (await loggedSeqs(server, roomA)).length === 5, { timeout: UNAFFECTED_MS, what: "room A's next edit logged at the usual pace" })
    expect(refusals()).toBe(1)
    clientA.destroy()
    clientB.destroy()
    await stop()
  }, 60_000)

  it("a room whose rows the database keeps refusing keeps no other room in memory, and a shutdown gives up on it only, names it, and still closes the database", async () => {
    const { server, lines, roomA, roomB, clientA, clientB } = await start()
    const removeTrigger = await refuse(server, roomA, `raise exception 'refused for the test'`)
    typeIn(clientA, 'a one.')
    typeIn(clientB, 'b one.')
    await waitFor(async () => (await loggedSeqs(server, roomB)).length === 1, { timeout: UNAFFECTED_MS, what: "room B's edit logged" })

    // Room B's last socket leaves: its document unloads as soon as its own updates are durable.
    clientB.destroy()
    await waitFor(async () => (await server.docs.stateOf(roomB, 'board')) === null, { timeout: UNAFFECTED_MS, what: "room B's document unloaded" })
    // Room A's cannot be made durable: it stays in memory, where a returning socket finds it.
    clientA.destroy()
    await new Promise((r) => setTimeout(r, 300))
    expect(await server.docs.stateOf(roomA, 'board')).not.toBeNull()

    // The shutdown gives up on room A's rows (lost: it says whose), and closes everything else.
    const failure = await server.stop({ keepData: true }).then(
      () => null,
      (err: unknown) => String(err),
    )
    expect(failure).toMatch(/updates of room \S+ are refused by the database/)
    expect(failure).toContain(roomA)
    expect(failure).not.toContain(roomB)
    expect(lines.filter((l) => l.msg === 'stopped with updates not stored')).toHaveLength(1)

    // The database was closed (PGlite's data directory is free again): a new server opens it.
    const next = await startTestServer({ dataDir: server.dataDir })
    cleanup.push(() => next.stop())
    await removeTrigger(next)
    expect(await loggedSeqs(next, roomB)).toEqual([1])
    expect(await loggedSeqs(next, roomA)).toEqual([])
  }, 60_000)

  it('a row already stored under the seq a room writes next (another writer) costs that row only: later rows and other rooms are logged, the conflict is logged once, and the server stops cleanly', async () => {
    const { server, lines, stop, roomA, roomB, clientA, clientB } = await start()
    typeIn(clientA, 'a one.')
    await waitFor(async () => (await loggedSeqs(server, roomA)).length === 1, { what: "room A's first edit logged" })
    // Someone else's row where room A's next update goes (an empty update: harmless to load).
    const theirs = Y.encodeStateAsUpdate(new Y.Doc())
    await server.deps.db.insert(yjsUpdates).values({ roomId: roomA, doc: 'board', seq: 2, at: new Date(), participantId: null, bytes: theirs })
    const conflicts = () => lines.filter((l) => l.msg.startsWith("update log: a room's rows conflict")).length

    typeIn(clientA, ' a two.')
    typeIn(clientB, 'b one.')
    await waitFor(async () => (await loggedSeqs(server, roomB)).length === 1, { timeout: UNAFFECTED_MS, what: "room B's edit logged" })
    await waitFor(() => conflicts() === 1, { what: 'the conflict logged' })
    typeIn(clientA, ' a three.')
    typeIn(clientB, ' b two.')
    await waitFor(async () => (await loggedSeqs(server, roomA)).includes(3), { timeout: 10_000, what: "room A's next edit logged" })
    await waitFor(async () => (await loggedSeqs(server, roomB)).length === 2, { timeout: UNAFFECTED_MS, what: "room B's next edit logged" })
    expect(await loggedSeqs(server, roomA)).toEqual([1, 2, 3])
    const [stored] = await server.deps.db
      .select({ bytes: yjsUpdates.bytes })
      .from(yjsUpdates)
      .where(and(eq(yjsUpdates.roomId, roomA), eq(yjsUpdates.seq, 2)))
    expect(new Uint8Array(stored!.bytes)).toEqual(theirs)
    expect(conflicts()).toBe(1)
    expect(lines.find((l) => l.msg.startsWith("update log: a room's rows conflict"))).toMatchObject({
      level: 'error',
      fields: { room: roomA, code: '23505', conflicting: 1, seqs: 'board:2-2' },
    })
    // The document in memory still holds what the log could not: the clients keep it too.
    expect(clientA.doc.getText('notes:clarify').toString()).toBe('a one. a two. a three.')
    clientA.destroy()
    clientB.destroy()
    // Nothing is left queued: the server stops at once, without giving up on a flush.
    await stop()
    expect(lines.filter((l) => l.msg === 'update log write failed; will retry')).toEqual([])
  }, 60_000)

  it('rows already stored with the same bytes (a retried write whose commit went unanswered) are skipped quietly and nothing is lost', async () => {
    const { server, lines, stop, roomA, clientA } = await start()
    typeIn(clientA, 'a one.')
    await waitFor(async () => (await loggedSeqs(server, roomA)).length === 1, { what: "room A's first edit logged" })
    // The very update the client is about to send, made on a copy with its clientID: as if the
    // server had written it already and never heard the commit's answer.
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(clientA.doc))
    // After the update: a doc that meets its own clientID in remote structs takes a new one.
    copy.clientID = clientA.doc.clientID
    let next: Uint8Array | null = null
    copy.on('update', (u: Uint8Array) => (next = u))
    copy.getText('notes:clarify').insert(copy.getText('notes:clarify').length, ' a two.')
    let sent: Uint8Array | null = null
    clientA.doc.on('update', (u: Uint8Array) => (sent ??= u))
    await server.deps.db.insert(yjsUpdates).values({ roomId: roomA, doc: 'board', seq: 2, at: new Date(), participantId: null, bytes: next! })

    typeIn(clientA, ' a two.')
    expect(sent).toEqual(next)
    typeIn(clientA, ' a three.')
    await waitFor(async () => (await loggedSeqs(server, roomA)).length === 3, { timeout: 10_000, what: "room A's edits logged" })
    // The line comes once the stored row is compared with ours, just after the rows are in.
    const skipped = () => lines.filter((l) => l.msg.startsWith('update log: rows already stored were skipped'))
    await waitFor(() => skipped().length > 0, { what: 'the skip logged' })
    expect(skipped()).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ room: roomA, alreadyStored: 1 }) })])
    expect(lines.filter((l) => l.level === 'error')).toEqual([])
    // Rebuilt from the log alone, the document has every edit.
    const rows = await server.deps.db
      .select({ bytes: yjsUpdates.bytes })
      .from(yjsUpdates)
      .where(eq(yjsUpdates.roomId, roomA))
      .orderBy(asc(yjsUpdates.seq))
    const rebuilt = new Y.Doc()
    for (const r of rows) Y.applyUpdate(rebuilt, r.bytes)
    expect(rebuilt.getText('notes:clarify').toString()).toBe('a one. a two. a three.')
    clientA.destroy()
    await stop()
  }, 60_000)

  it("rows a constraint refuses are dropped with one loud line instead of retried forever: other rooms are logged, and the room's later rows once the constraint lets them", async () => {
    const { server, lines, stop, roomA, roomB, clientA, clientB } = await start()
    const removeTrigger = await refuse(server, roomA, `raise exception using errcode = 'check_violation', message = 'refused for the test'`)
    const drops = () => lines.filter((l) => l.msg.startsWith("update log: the database refused a room's rows for good")).length

    typeIn(clientA, 'a one.')
    typeIn(clientB, 'b one.')
    await waitFor(async () => (await loggedSeqs(server, roomB)).length === 1, { timeout: UNAFFECTED_MS, what: "room B's edit logged" })
    await waitFor(() => drops() === 1, { what: "room A's rows dropped, loudly" })
    expect(lines.find((l) => l.msg.startsWith("update log: the database refused a room's rows for good"))).toMatchObject({
      level: 'error',
      fields: { room: roomA, code: '23514', message: 'refused for the test', rows: expect.any(Number) },
    })
    typeIn(clientA, ' a two.')
    typeIn(clientB, ' b two.')
    await waitFor(async () => (await loggedSeqs(server, roomB)).length === 2, { timeout: UNAFFECTED_MS, what: "room B's next edit logged" })
    // Room A's second edit is refused the same way: dropped too, not another line.
    const settled = () => lines.filter((l) => l.msg === 'update log writes again' && l.fields.room === roomA).length
    await removeTrigger()
    typeIn(clientA, ' a three.')
    await waitFor(async () => (await loggedSeqs(server, roomA)).includes(3), { timeout: 15_000, what: "room A's edit after the constraint logged" })
    expect(drops()).toBe(1)
    await waitFor(() => settled() === 1, { what: 'the recovery logged, with the count dropped' })
    expect(lines.find((l) => l.msg === 'update log writes again' && l.fields.room === roomA)!.fields).toMatchObject({ dropped: expect.any(Number) })
    clientA.destroy()
    clientB.destroy()
    await stop()
  }, 60_000)
})
