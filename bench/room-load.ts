/**
 * Time to load a room whose log holds N updates (default 10,000): the live path (keyframe + tail,
 * what a first socket waits for) and, for scale, replaying the whole log one update at a time.
 * Usage: tsx bench/room-load.ts [updates]   (DATABASE_URL set: Postgres; else PGlite in a temp dir)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asc, and, eq } from 'drizzle-orm'
import * as Y from 'yjs'
import { LiveDoc } from '../server/collab/live-doc.js'
import { loadConfig } from '../server/config.js'
import { yjsUpdates } from '../server/db/schema.js'
import { startServer } from '../server/server.js'
import { connectY, createRoom, waitFor } from '../test/helpers/clients.js'

const N = Number(process.argv[2] ?? 10_000)
const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-bench-'))
const server = await startServer(
  loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) }),
)
try {
  const { room, tokens } = await createRoom(server.url)
  const writer = connectY(server.url, room.id, tokens.candidate)
  await writer.synced
  // A realistic mix: typing in notes, nodes added and moved.
  const t0 = performance.now()
  for (let i = 0; i < N; i++) {
    if (i % 10 === 0) {
      const node = new Y.Map<unknown>()
      writer.doc.getMap('nodes').set(`n${i}`, node)
      node.set('x', i)
    } else if (i % 10 === 1) {
      ;(writer.doc.getMap('nodes').get(`n${i - 1}`) as Y.Map<unknown>).set('y', i)
    } else {
      const text = writer.doc.getText(`notes:${['clarify', 'data', 'model'][i % 3]}`)
      text.insert(text.length, 'x')
    }
    if (i % 500 === 0) await new Promise((r) => setImmediate(r))
  }
  await waitFor(() => server.docs.size > 0 && writer.provider.wsconnected, { what: 'writer connected' })
  const target = Y.encodeStateVector(writer.doc)
  const probe = connectY(server.url, room.id, tokens.interviewer)
  await probe.synced
  await waitFor(() => Buffer.compare(Buffer.from(Y.encodeStateVector(probe.doc)), Buffer.from(target)) === 0, { timeout: 60_000, what: 'server has all updates' })
  const sendMs = performance.now() - t0
  await server.store.flush()
  writer.destroy()
  probe.destroy()
  await waitFor(() => server.docs.size === 0, { timeout: 10_000, what: 'room unloaded' })

  const logged = await server.deps.db.select({ seq: yjsUpdates.seq }).from(yjsUpdates).where(and(eq(yjsUpdates.roomId, room.id), eq(yjsUpdates.doc, 'board')))
  const samples: number[] = []
  for (let run = 0; run < 7; run++) {
    const s = performance.now()
    const stored = await server.store.load(room.id, 'board')
    const doc = new LiveDoc(room.id, 'board', stored.lastSeq, server.store, 300, Date.now)
    doc.restore(stored.keyframe, stored.tail)
    samples.push(performance.now() - s)
    doc.destroy()
  }
  samples.sort((a, b) => a - b)

  const s = performance.now()
  const rows = await server.deps.db.select({ bytes: yjsUpdates.bytes }).from(yjsUpdates).where(and(eq(yjsUpdates.roomId, room.id), eq(yjsUpdates.doc, 'board'))).orderBy(asc(yjsUpdates.seq))
  const full = new Y.Doc()
  for (const r of rows) Y.applyUpdate(full, r.bytes)
  const fullMs = performance.now() - s

  const t1 = performance.now()
  const fresh = connectY(server.url, room.id, tokens.observer)
  await fresh.synced
  const firstSyncMs = performance.now() - t1
  fresh.destroy()

  console.log(`db: ${server.deps.driver}; updates in log: ${logged.length} (sent in ${sendMs.toFixed(0)} ms)`)
  console.log(`load live room (keyframe + tail), median of 7: ${samples[3]!.toFixed(1)} ms (min ${samples[0]!.toFixed(1)}, max ${samples[6]!.toFixed(1)})`)
  console.log(`first client sync of the unloaded room (load + websocket + sync): ${firstSyncMs.toFixed(1)} ms`)
  console.log(`replay of the whole log, one update at a time: ${fullMs.toFixed(1)} ms`)
} finally {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
}
