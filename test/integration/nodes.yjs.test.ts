import type { ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import * as Y from 'yjs'
import { api, connectSocket, connectY, createRoom, sleep, waitFor, type YClient } from '../helpers/clients.js'
import { processesPerTest, type ServerProcess } from '../helpers/process.js'
import { freePort, hasRedis, startRedis, stopRedis } from '../helpers/redis.js'
import { claimsOf } from '../helpers/tokens.js'

const DATABASE_URL = process.env.DATABASE_URL
/** Several nodes share one Postgres (PGlite belongs to one process) and one Redis. */
const skip = !hasRedis ? 'redis-server is not on the PATH' : !DATABASE_URL ? 'several nodes need a shared Postgres: runs with DATABASE_URL (.ci/run does)' : null
if (skip) console.warn(`[nodes] multi-node tests skipped: ${skip}`)

const SECRET = 'a-secret-the-nodes-share-for-the-test-0123456789'

describe.skipIf(skip !== null)('several nodes serve the same rooms (Postgres + Redis)', () => {
  const nodes = processesPerTest('stepwise-nodes-')
  const redises: ChildProcess[] = []
  const clients: YClient[] = []
  let redisUrl = ''
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    for (const r of redises.splice(0)) await stopRedis(r)
  })

  /** This test's own Redis, so that no other test's streams meet ours (and the test may stop it). */
  let redisPort = 0
  const redis = async () => {
    redisPort = await freePort()
    redises.push(await startRedis(redisPort))
    redisUrl = `redis://127.0.0.1:${redisPort}`
  }
  const node = (env: Record<string, string> = {}) => nodes.start({ DATA_DIR: nodes.tempDir(), DATABASE_URL: DATABASE_URL!, REDIS_URL: redisUrl, SECRET, ...env })
  const open = (n: ServerProcess, roomId: string, token: string) => {
    const c = connectY(n.url, roomId, token)
    clients.push(c)
    return c
  }
  const text = (c: YClient) => c.doc.getText('notes:clarify')

  /** The document as the log alone rebuilds it, and its rows, read straight from Postgres. */
  const fromLog = async (roomId: string) => {
    const sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<{ seq: string; bytes: Uint8Array }[]>`select seq, bytes from yjs_updates where room_id = ${roomId} and doc = 'board' order by seq`
      const doc = new Y.Doc()
      for (const r of rows) Y.applyUpdate(doc, r.bytes)
      return { doc, seqs: rows.map((r) => Number(r.seq)), bytes: rows.map((r) => Buffer.from(r.bytes).toString('base64')) }
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
  const fromLogOf = async (roomId: string) => (await fromLog(roomId)).doc.getText('notes:clarify').toString()
  /** Nodes A (with `aEnv`) and B on a Redis of the test's own, a room, and a client of it on each, synced. */
  const twoNodes = async (aEnv: Record<string, string> = {}) => {
    await redis()
    const [a, b] = await Promise.all([node(aEnv), node()])
    const { room, tokens } = await createRoom(b.url)
    const onA = open(a, room.id, tokens.candidate)
    const onB = open(b, room.id, tokens.interviewer)
    await Promise.all([onA.synced, onB.synced])
    return { a, b, room, tokens, onA, onB }
  }
  /** `twoNodes`, then ten edits of the client on A, which the client on B has. */
  const tenEditsOnA = async (aEnv: Record<string, string>) => {
    const { a, b, room, tokens, onA, onB } = await twoNodes(aEnv)
    for (let i = 0; i < 10; i++) text(onA).insert(text(onA).length, `a${i} `)
    await waitFor(() => text(onB).toString() === text(onA).toString(), { timeout: 3000, what: "A's edits on B" })
    return { a, b, room, tokens, onA, onB }
  }
  const stop = async (n: ServerProcess) => {
    n.child.kill('SIGTERM')
    expect(await n.exited, n.stderr()).toBe(0)
  }

  it("an edit or a cursor on one node reaches clients on the other at once, both ways, and each node's edits are logged once", async () => {
    const { a, b, room, onA, onB } = await twoNodes()

    for (let i = 0; i < 20; i++) {
      const [from, to] = i % 2 === 0 ? [onA, onB] : [onB, onA]
      text(from).insert(text(from).length, `${i};`)
      const expected = text(from).toString()
      await waitFor(() => text(to).toString() === expected, { timeout: 2000, what: `edit ${i} across nodes` })
    }
    expect(text(onA).toString()).toBe(Array.from({ length: 20 }, (_, i) => `${i};`).join(''))

    onA.provider.awareness.setLocalStateField('user', { name: 'Cara on A' })
    await waitFor(() => [...onB.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Cara on A'), { what: "A's cursor on B" })
    onB.provider.awareness.setLocalStateField('user', { name: 'Ivan on B' })
    await waitFor(() => [...onA.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Ivan on B'), { what: "B's cursor on A" })
    // Leaving on B clears the cursor on A too.
    onB.provider.awareness.setLocalState(null)
    await waitFor(() => ![...onA.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Ivan on B'), { what: "B's cursor gone on A" })

    await Promise.all([stop(a), stop(b)])
    const log = await fromLog(room.id)
    expect(log.doc.getText('notes:clarify').toString()).toBe(text(onA).toString())
    // Twenty edits, twenty rows: each stored once, by the node that took it, numbered 1..20 by the database.
    expect(log.seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(new Set(log.bytes).size).toBe(20)
    // Neither node took the other for dead (a node's key exists from its start, not its first tick).
    for (const n of [a, b]) expect(n.stderr()).not.toContain('a node stopped without writing updates it took')
  }, 60_000)

  it("a hiring panel's observer on one node stays silent to the candidate on the other; the interviewer there sees them", async () => {
    await redis()
    const [a, b] = await Promise.all([node(), node()])
    const { room, tokens } = await createRoom(a.url, { mode: 'panel' })
    const interviewer = open(a, room.id, tokens.interviewer)
    const candidate = open(a, room.id, tokens.candidate)
    const observer = open(b, room.id, tokens.observer)
    await Promise.all([interviewer.synced, candidate.synced, observer.synced])
    const names = (c: YClient) => [...c.provider.awareness.getStates().values()].map((st) => (st.user as { name?: string } | undefined)?.name).filter(Boolean).sort().join()
    interviewer.provider.awareness.setLocalStateField('user', { name: 'Ivy' })
    candidate.provider.awareness.setLocalStateField('user', { name: 'Cam' })
    observer.provider.awareness.setLocalStateField('user', { name: 'Olga on B' })
    await waitFor(() => names(interviewer) === 'Cam,Ivy,Olga on B', { what: "the observer's cursor at the interviewer on A" })
    await waitFor(() => names(observer) === 'Cam,Ivy,Olga on B', { what: 'everyone at the observer on B' })
    await sleep(300)
    expect(names(candidate)).toBe('Cam,Ivy')
    await Promise.all([stop(a), stop(b)])
  }, 60_000)

  it('a node whose subscription Redis dropped reads what was published meanwhile from the stream', async () => {
    const { a, b, room, onA, onB } = await twoNodes()
    text(onA).insert(0, 'before ')
    await waitFor(() => text(onB).toString() === 'before ', { timeout: 2000, what: 'the first edit on B' })
    // Redis drops every subscriber (as it does one past its output buffer); they reconnect after
    // ~50 ms. The edits made at once are published while no node listens: only the stream has them.
    const admin = new Redis(redisUrl)
    try {
      expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThan(0)
    } finally {
      admin.disconnect()
    }
    for (let i = 0; i < 5; i++) text(onA).insert(text(onA).length, `${i};`)
    const expected = text(onA).toString()
    // Nothing after them would make B ask for what it lacks: B reads them from the stream.
    await waitFor(() => text(onB).toString() === expected, { timeout: 3000, what: 'the edits made while no node listened, on B' })
    await Promise.all([stop(a), stop(b)])
  }, 60_000)

  it('a node that loads a room serves what another node took but has not written yet', async () => {
    await redis()
    // Node A writes its log only every 10 s: its edits are in its memory and in the stream only.
    const a = await node({ FLUSH_INTERVAL_MS: '10000' })
    const b = await node()
    const { room, tokens } = await createRoom(a.url)
    const onA = open(a, room.id, tokens.candidate)
    await onA.synced
    text(onA).insert(0, 'not written yet')
    await sleep(200)
    expect((await fromLog(room.id)).seqs).toEqual([])
    // B loads the room from the log (empty) and the stream.
    const onB = open(b, room.id, tokens.interviewer)
    await onB.synced
    await waitFor(() => text(onB).toString() === 'not written yet', { timeout: 2000, what: "A's unwritten edit on B" })
    // And B's own edit goes back to A.
    text(onB).insert(0, 'B: ')
    await waitFor(() => text(onA).toString() === 'B: not written yet', { timeout: 2000, what: "B's edit on A" })
    await Promise.all([stop(a), stop(b)])
    const log = await fromLog(room.id)
    expect(log.doc.getText('notes:clarify').toString()).toBe('B: not written yet')
    expect(log.seqs).toEqual([1, 2])
  }, 60_000)

  it('SIGKILL of a node whose edits are not written yet: its clients move to the other node, which writes them, and nothing is lost', async () => {
    // Node A writes its log only every 10 s: when it dies, none of its edits is stored.
    const { a, b, room, tokens, onA, onB } = await tenEditsOnA({ FLUSH_INTERVAL_MS: '10000' })
    // B's own edit, in another step's notes: it depends on none of A's.
    const framing = (c: YClient) => c.doc.getText('notes:frame')
    framing(onB).insert(0, 'b0 ')
    await waitFor(() => framing(onA).toString() === 'b0 ', { timeout: 3000, what: "B's edit on A" })
    const before = text(onA).toString()
    a.child.kill('SIGKILL')
    await a.exited
    // B's own edit is written; A's are nowhere but in memory (B's, and the candidate's browser).
    await waitFor(async () => (await fromLog(room.id)).seqs.length === 1, { what: "B's edit written" })
    const written = (await fromLog(room.id)).doc
    expect([written.getText('notes:frame').toString(), written.getText('notes:clarify').toString()]).toEqual(['b0 ', ''])

    // The candidate's browser reconnects through the load balancer: to B, with everything it has.
    const moved = connectY(b.url, room.id, tokens.candidate, { ydoc: onA.doc })
    clients.push(moved)
    onA.provider.destroy()
    await moved.synced
    text(moved).insert(text(moved).length, 'after ')
    await waitFor(() => text(onB).toString() === `${before}after `, { timeout: 3000, what: 'the moved client editing on B' })
    // B sees A's key expire and writes what A took and never wrote.
    await waitFor(async () => (await fromLog(room.id)).doc.getText('notes:clarify').toString() === `${before}after `, { timeout: 10_000, what: "A's edits written by B" })
    await stop(b)
    expect((await fromLog(room.id)).doc.getText('notes:clarify').toString()).toBe(`${before}after `)
  }, 60_000)

  it("a node that stalls past its key's life with edits queued: the other takes them over, the stalled one writes its queue when it wakes, and each edit is stored once", async () => {
    // Node A writes its log every 6 s: its edits are still queued when it stops (SIGSTOP, as a
    // long GC pause or a frozen VM would) and when it carries on.
    const { a, b, room, onA } = await tenEditsOnA({ FLUSH_INTERVAL_MS: '6000' })
    const expected = text(onA).toString()
    a.child.kill('SIGSTOP')
    try {
      // A's key expires (3 s): B takes A for dead and writes what A took.
      await waitFor(async () => (await fromLogOf(room.id)) === expected, { timeout: 10_000, what: "A's edits written by B" })
    } finally {
      a.child.kill('SIGCONT')
    }
    // A wakes up, sees its key went unrenewed, and writes its queue as it would have (at SIGTERM at the latest).
    await waitFor(() => a.stderr().includes("this node's key went unrenewed past its life"), { timeout: 3000, what: "A's warning" })
    await stop(a)
    const log = await fromLog(room.id)
    expect(log.doc.getText('notes:clarify').toString()).toBe(expected)
    expect(new Set(log.bytes).size, 'each update stored once').toBe(log.bytes.length)
    expect(log.seqs).toEqual(log.seqs.map((_, i) => i + 1))
    await stop(b)
  }, 60_000)

  it('Redis down for 15 s: no node stops, rooms of one node are stored, a room on both nodes converges once Redis is back, and a revocation made meanwhile takes effect on the other node', async () => {
    await redis()
    const [a, b] = await Promise.all([node(), node()])
    const shared = await createRoom(a.url)
    const alone = await createRoom(a.url)
    const onA = open(a, shared.room.id, shared.tokens.candidate)
    const onB = open(b, shared.room.id, shared.tokens.interviewer)
    const observerOnB = open(b, shared.room.id, shared.tokens.observer)
    const aloneOnA = open(a, alone.room.id, alone.tokens.candidate)
    const interviewer = await connectSocket(a.url, shared.tokens.interviewer)
    // A socket.io client on B: the timer started on A during the outage must reach it afterwards.
    const watcher = await connectSocket(b.url, shared.tokens.candidate, 'Watcher')
    let watcherTimer = watcher.state.timer.status as string
    watcher.socket.on('timer', ({ timer }) => (watcherTimer = timer.status))
    watcher.socket.on('room:state', ({ timer }) => (watcherTimer = timer.status))
    await Promise.all([onA.synced, onB.synced, observerOnB.synced, aloneOnA.synced])
    const observerCloses: number[] = []
    observerOnB.provider.on('connection-close', (e: CloseEvent | null) => observerCloses.push(e?.code ?? 0))

    await stopRedis(redises.pop()!)
    const outageEnds = Date.now() + 15_000
    text(onA).insert(0, 'A during. ')
    text(onB).insert(0, 'B during. ')
    text(aloneOnA).insert(0, 'alone during.')
    // Revoked on A: B hears nothing of it while Redis is down.
    const observerLink = claimsOf(shared.tokens.observer).linkId
    expect((await api(a.url, `/api/rooms/${shared.room.id}/links/${observerLink}`, { token: shared.tokens.interviewer, method: 'DELETE' })).status).toBe(200)
    // Timer commands and new connections on both nodes.
    const ack = await interviewer.socket.timeout(5000).emitWithAck('timer:command', { type: 'start', expectedVersion: interviewer.state.timer.version } as never)
    expect(ack).toMatchObject({ ok: true })
    const late = await connectSocket(b.url, shared.tokens.candidate, 'Late')
    late.socket.disconnect()
    interviewer.socket.disconnect()
    await waitFor(async () => (await fromLogOf(alone.room.id)).includes('alone during.'), { timeout: 3000, what: 'the room of one node stored during the outage' })
    await sleep(Math.max(0, outageEnds - Date.now()))
    for (const n of [a, b]) expect(n.child.exitCode, n.stderr()).toBeNull()

    redises.push(await startRedis(redisPort))
    const both = ['A during. ', 'B during. ']
    const hasBoth = (c: YClient) => both.every((t) => text(c).toString().includes(t))
    await waitFor(() => hasBoth(onA) && hasBoth(onB), { timeout: 15_000, what: 'the room on both nodes converged after Redis came back' })
    expect(text(onA).toString()).toBe(text(onB).toString())
    await waitFor(() => observerCloses.length > 0, { timeout: 10_000, what: "the observer's socket on B closed after Redis came back" })
    await waitFor(() => watcherTimer === 'running', { timeout: 10_000, what: 'the timer started during the outage reaching the client on B' })
    watcher.socket.disconnect()
    await Promise.all([stop(a), stop(b)])
    expect((await fromLog(shared.room.id)).doc.getText('notes:clarify').toString()).toBe(text(onA).toString())
  }, 90_000)

  it("both nodes' edits on shared rooms and on a room of one node only are all stored after SIGTERM of both, each once, and a restarted node serves them", async () => {
    await redis()
    const [a, b] = await Promise.all([node(), node()])
    const shared = await Promise.all([createRoom(a.url), createRoom(b.url)])
    const alone = await createRoom(b.url)
    const pairs = shared.map(({ room, tokens }) => ({ room, onA: open(a, room.id, tokens.candidate), onB: open(b, room.id, tokens.interviewer) }))
    const onlyB = open(b, alone.room.id, alone.tokens.candidate)
    await Promise.all([...pairs.flatMap((p) => [p.onA.synced, p.onB.synced]), onlyB.synced])

    // Both nodes write the same documents at once, many times: one log, never a seq twice.
    const EDITS = 60
    for (let i = 0; i < EDITS; i++) {
      for (const p of pairs) {
        text(p.onA).insert(0, `a${i} `)
        text(p.onB).insert(text(p.onB).length, ` b${i}`)
      }
      text(onlyB).insert(text(onlyB).length, `${i} `)
      if (i % 10 === 9) await sleep(30)
    }
    for (const p of pairs) await waitFor(() => text(p.onA).toString() === text(p.onB).toString(), { timeout: 5000, what: 'both nodes converged' })
    await Promise.all([stop(a), stop(b)])

    for (const p of pairs) {
      const log = await fromLog(p.room.id)
      expect(log.doc.getText('notes:clarify').toString()).toBe(text(p.onA).toString())
      expect(log.seqs).toEqual(Array.from({ length: 2 * EDITS }, (_, i) => i + 1))
      expect(new Set(log.bytes).size).toBe(2 * EDITS)
    }
    expect((await fromLog(alone.room.id)).seqs).toHaveLength(EDITS)

    const again = await node()
    const late = open(again, pairs[0]!.room.id, shared[0]!.tokens.observer)
    await late.synced
    expect(text(late).toString()).toBe(text(pairs[0]!.onA).toString())
  }, 90_000)
})
