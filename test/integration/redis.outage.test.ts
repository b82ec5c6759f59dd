import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { api, type ClientSocket, connectSocket, connectY, createRoom, sleep, waitFor, type YClient } from '../helpers/clients.js'
import { type ServerProcess, spawnServer } from '../helpers/process.js'
import { freePort, hasRedis, startRedis, stopRedis } from '../helpers/redis.js'
import { dbKind } from '../helpers/server.js'

/** Bounded: a node that died must fail the test, not hang it. */
function within<T>(ms: number, what: string, promise: Promise<T>, state: () => string = () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms${state()}`)), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

type Reply = { ok: true; timer: { version: number; status: string } } | { ok: false; error: { code: string } }

describe.skipIf(!hasRedis)(`a Redis outage on a node with REDIS_URL (${dbKind})`, () => {
  const dirs: string[] = []
  const procs: ServerProcess[] = []
  const redises: ChildProcess[] = []
  const sockets: ClientSocket[] = []
  const docs: YClient[] = []

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect()
    for (const d of docs.splice(0)) d.destroy()
    for (const p of procs.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
      await p.exited
    }
    for (const r of redises.splice(0)) await stopRedis(r)
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  const health = async (url: string) => (await api(url, '/api/health')).body as { ok: boolean; redis: boolean }
  const command = (socket: ClientSocket, cmd: unknown) => socket.timeout(5000).emitWithAck('timer:command', cmd as never) as Promise<Reply>
  const alive = (p: ServerProcess) => p.child.exitCode === null && p.child.signalCode === null
  /** For failure messages: whether the node is still running and the end of what it wrote. */
  const nodeState = (p: ServerProcess) => () => `; the node ${alive(p) ? 'is running' : `exited with ${p.child.exitCode ?? p.child.signalCode}`}; stderr: ${p.stderr().slice(-600)}`

  it('the node keeps serving timer commands, new sockets and Yjs edits while Redis is down, health says so, Redis comes back, and a stop during an outage is clean', async () => {
    const port = await freePort()
    redises.push(await startRedis(port))
    const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-redis-'))
    dirs.push(dataDir)
    const server = await spawnServer({ DATA_DIR: dataDir, REDIS_URL: `redis://127.0.0.1:${port}` })
    procs.push(server)
    expect((await health(server.url)).redis).toBe(true)
    // REDIS_URL on the embedded database: the node says its rooms cannot be shared.
    const unshared = /warn REDIS_URL is set without DATABASE_URL/
    if (dbKind === 'pglite') expect(server.stderr()).toMatch(unshared)
    else expect(server.stderr()).not.toMatch(unshared)

    const { room, tokens } = await createRoom(server.url)
    const interviewer = await connectSocket(server.url, tokens.interviewer)
    sockets.push(interviewer.socket)
    const candidate = connectY(server.url, room.id, tokens.candidate)
    const observer = connectY(server.url, room.id, tokens.observer)
    docs.push(candidate, observer)
    await Promise.all([candidate.synced, observer.synced])

    await stopRedis(redises.pop()!)
    await waitFor(async () => (await health(server.url)).redis === false, { timeout: 5000, what: 'health to report redis false' })

    // A timer command: the adapter publishes its broadcast to a Redis that is gone.
    let version = interviewer.state.timer.version
    const started = await command(interviewer.socket, { type: 'start', expectedVersion: version })
    expect(started).toMatchObject({ ok: true, timer: { status: 'running' } })
    version = (started as { timer: { version: number } }).timer.version
    // New socket.io connections: presence asks the other nodes through Redis.
    const late = await within(5000, 'room:state for a new socket', connectSocket(server.url, tokens.candidate, 'Late'), nodeState(server))
    sockets.push(late.socket)
    expect(late.state.participants.map((p) => p.name)).toContain('Late')
    expect(late.state.timer.status).toBe('running')
    // This node's sockets still hear each other's timer changes.
    const heard = new Promise<string>((resolve) => late.socket.once('timer', ({ timer }) => resolve(timer.status)))
    const paused = await command(interviewer.socket, { type: 'pause', expectedVersion: version })
    expect(paused).toMatchObject({ ok: true, timer: { status: 'paused' } })
    version = (paused as { timer: { version: number } }).timer.version
    expect(await within(5000, 'timer broadcast', heard, nodeState(server))).toBe('paused')
    // Yjs does not go through Redis: an edit reaches the other client.
    candidate.doc.getText('notes:clarify').insert(0, 'during the outage')
    await waitFor(() => observer.doc.getText('notes:clarify').toString() === 'during the outage', { what: 'the edit to reach the observer' })

    // The crashes came 2 to 3 s after the command and the connection: wait well past them.
    for (let i = 0; i < 3; i++) {
      const extra = await within(5000, 'room:state for a new socket', connectSocket(server.url, tokens.observer), nodeState(server))
      extra.socket.disconnect()
      await sleep(1500)
    }
    expect(alive(server), server.stderr()).toBe(true)
    expect(await health(server.url)).toMatchObject({ ok: true, redis: false })
    // The causes are handled where they happen, not by the last-resort handler.
    expect(server.stderr()).not.toMatch(/unhandled rejection/)

    redises.push(await startRedis(port))
    await waitFor(async () => (await health(server.url)).redis === true, { timeout: 10_000, what: 'health to report redis true again' })
    expect(await command(interviewer.socket, { type: 'resume', expectedVersion: version })).toMatchObject({ ok: true, timer: { status: 'running' } })

    // The edit made during the outage was logged: after a clean stop (during a second outage, so
    // shutting down does not wait on Redis either), a server without Redis has it.
    await stopRedis(redises.pop()!)
    await waitFor(async () => (await health(server.url)).redis === false, { timeout: 5000, what: 'health to report redis false' })
    server.child.kill('SIGTERM')
    expect(await server.exited, server.stderr()).toBe(0)
    const after = await spawnServer({ DATA_DIR: dataDir })
    procs.push(after)
    const reader = connectY(after.url, room.id, tokens.observer)
    docs.push(reader)
    await reader.synced
    expect(reader.doc.getText('notes:clarify').toString()).toBe('during the outage')
  }, 120_000)
})
