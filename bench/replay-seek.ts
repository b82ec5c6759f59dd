/**
 * Seek time and room load time on a generated one-hour session of about 100,000 updates.
 * Three simulated people type notes and draw on the canvas for an hour of (simulated) server time;
 * every update goes through the server's own LiveDoc into the real update log (group commit,
 * keyframes every 300), exactly as live edits do. Then:
 *  - load the live room (latest keyframe + tail), as a first socket would;
 *  - seek: GET /api/rooms/:id/replay/state?t=… at random moments over the hour (HTTP, auth and all).
 * Usage: npm run bench:replay [-- updates] (runs it with the server's Node flags; DATABASE_URL set:
 * Postgres; else PGlite)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { type DocConnection, LiveDoc } from '../server/collab/live-doc.js'
import { loadConfig } from '../server/config.js'
import { startServer } from '../server/server.js'
import { createRoom } from '../test/helpers/clients.js'

const N = Number(process.argv[2] ?? 100_000)
/**
 * Doc writes per second of dragging: the web client writes a gesture's geometry every 250 ms
 * (GESTURE_WRITE_MS in client/src/features/canvas/canvas.svelte.ts) and at its end; the frames
 * in between go through awareness, which is not stored. BENCH_DRAG_HZ=16 replays the client as it
 * was before that change (a write every 60 ms).
 */
const DRAG_HZ = Number(process.env.BENCH_DRAG_HZ ?? 4)
const HOUR = 3_600_000
const SEEKS = 40

/** A seeded generator, so every run replays the same session. */
function lcg(seed: number) {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
const fmt = (x: number) => `${x.toFixed(1)} ms`

const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-seek-'))
const server = await startServer(
  loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) }),
)
try {
  const { room, tokens } = await createRoom(server.url)
  const t0 = Date.parse('2026-01-01T10:00:00Z')
  let now = t0
  const live = new LiveDoc(room.id, 'board', 0, server.store, 300, () => now)
  const people = [0, 1, 2].map((i) => {
    const doc = new Y.Doc()
    const conn: DocConnection = { linkId: `person${i}`, canWrite: true, awarenessIds: new Set(), send() {}, close() {} }
    return { doc, conn }
  })
  // Every edit reaches the server (logged) and the two others, as a room of three in sync.
  for (const p of people) {
    p.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return
      // As a socket delivers it: a y-websocket update message through LiveDoc.receive (check,
      // apply, log, relay), so the log is written by the server's own hot path.
      live.receive(p.conn, updateMessage(update))
      for (const q of people) if (q !== p) Y.applyUpdate(q.doc, update, 'remote')
    })
  }
  const rand = lcg(42)
  const steps = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor']
  const genStart = performance.now()
  // People work in bursts: one types a sentence or drags a box, then someone else takes over.
  let person = people[0]!
  let burst = 0
  let mode: 'type' | 'drag' = 'type'
  let dragged: Y.Map<unknown> | null = null
  for (let i = 0; i < N; i++) {
    now = t0 + Math.floor((i / N) * HOUR)
    const step = steps[Math.min(6, Math.floor((i / N) * 7))]!
    if (burst <= 0) {
      person = people[Math.floor(rand() * 3)]!
      burst = 10 + Math.floor(rand() * 60)
      const nodes = person.doc.getMap('nodes')
      mode = rand() < 0.85 || nodes.size === 0 ? 'type' : 'drag'
      // A burst is as long either way (a keystroke or a 60 fps frame ~ every 60 ms); a drag
      // writes the doc DRAG_HZ times a second of it.
      if (mode === 'drag') burst = Math.ceil((burst * DRAG_HZ) / 16)
      if (rand() < 0.08 || nodes.size === 0) {
        const node = new Y.Map<unknown>()
        person.doc.transact(() => {
          nodes.set(`n${i}`, node)
          for (const [k, v] of Object.entries({ kind: 'service', label: `Service ${i}`, x: 0, y: 0, w: 160, h: 60 })) node.set(k, v)
        })
        continue
      }
      const ids = [...nodes.keys()]
      dragged = nodes.get(ids[Math.floor(rand() * ids.length)]!) as Y.Map<unknown>
    }
    burst--
    if (mode === 'type') {
      const text = person.doc.getText(`notes:${step}`)
      // Mostly appending, sometimes fixing a typo.
      if (rand() < 0.93 || text.length < 10) text.insert(text.length, rand() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(rand() * 26)))
      else text.delete(text.length - 1, 1)
    } else {
      // A drag writes x and y together, DRAG_HZ times a second.
      person.doc.transact(() => {
        dragged!.set('x', Math.floor(rand() * 1000))
        dragged!.set('y', Math.floor(rand() * 600))
      })
    }
    // An hour squeezed into seconds: let the store write as often, relative to the updates, as it
    // does in a real session (a group commit every 80 ms, a few updates each), so keyframes fall
    // every 300 updates as they do live, not once per oversized batch.
    if (i % 100 === 0) await server.store.flush()
  }
  await server.store.flush()
  const genMs = performance.now() - genStart
  live.destroy()

  // Load the live room: what the first socket of a reopened room waits for.
  const loads: number[] = []
  const parts = { query: [] as number[], apply: [] as number[], keyframeBytes: 0, tail: 0 }
  for (let run = 0; run < 9; run++) {
    const s = performance.now()
    const stored = await server.store.load(room.id, 'board')
    const q = performance.now()
    const doc = new LiveDoc(room.id, 'board', stored.lastSeq, server.store, 300, Date.now)
    doc.restore(stored.keyframe, stored.tail)
    const e = performance.now()
    loads.push(e - s)
    parts.query.push(q - s)
    parts.apply.push(e - q)
    parts.keyframeBytes = stored.keyframe?.state.length ?? 0
    parts.tail = stored.tail.length
    doc.destroy()
    // Guard against measuring an empty log (as happened when the server stopped logging updates
    // that bypass LiveDoc.receive): every generated update must be there.
    if (stored.lastSeq < N) throw new Error(`the log holds ${stored.lastSeq} updates, not ${N}: the updates did not reach the log`)
  }
  if (process.env.BENCH_DETAIL) console.log(`  load parts: query ${fmt(pct(parts.query, 50))}, apply ${fmt(pct(parts.apply, 50))}, keyframe ${parts.keyframeBytes} bytes, tail ${parts.tail}`)

  // Seek to random moments of the hour over HTTP, as the replay view does.
  const seeks: number[] = []
  const seekRand = lcg(7)
  let checked = 0
  for (let k = 0; k < SEEKS; k++) {
    const t = t0 + Math.floor(seekRand() * HOUR)
    const s = performance.now()
    const res = await fetch(`${server.url}/api/rooms/${room.id}/replay/state?t=${t}`, { headers: { authorization: `Bearer ${tokens.interviewer}` } })
    const body = new Uint8Array(await res.arrayBuffer())
    seeks.push(performance.now() - s)
    if (res.status !== 200) throw new Error(`seek failed: ${res.status}`)
    if (k === SEEKS - 1) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, body)
      checked = doc.getText('notes:clarify').length
    }
  }
  const final = people[0]!.doc
  console.log(`db: ${server.deps.driver}; generated ${N} updates over one simulated hour in ${(genMs / 1000).toFixed(1)} s (${[...final.share.keys()].length} shared types, ${final.getMap('nodes').size} nodes, drags written ${DRAG_HZ}×/s)`)
  console.log(`load live room (keyframe + tail), median of 9: ${fmt(pct(loads, 50))} (max ${fmt(Math.max(...loads))})`)
  console.log(`seek over HTTP, ${SEEKS} random moments: p50 ${fmt(pct(seeks, 50))}, p95 ${fmt(pct(seeks, 95))}, max ${fmt(Math.max(...seeks))}  (last state: ${checked} chars of notes)`)
} finally {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
}
