import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import * as Y from 'yjs'
import { difference, envInt, randomEdit, Rng, same, type Snapshot, snapshot, tail } from '../helpers/fuzz-board.js'
import { connectY, createRoom, sleep, waitFor, type CreatedRoom, type YClient } from '../helpers/clients.js'
import { type ServerProcess, spawnServer } from '../helpers/process.js'
import { dbKind } from '../helpers/server.js'

/*
 * Sync fuzz, after tldraw's syncFuzz test: a few stock WebsocketProviders in one room make seeded
 * random edits to the board (canvas maps and notes text), drop off and come back (editing while
 * offline), and the server process is restarted under them, by SIGTERM and by SIGKILL, on the same
 * port so the providers find it again by themselves. At the end of every seed, every client, the
 * server's live doc and the doc rebuilt from the update log must be one and the same document.
 *
 * The edits are a pure function of the seed; the network's interleaving is not, which is the point
 * of running real sockets against a real process. FUZZ_SEED=<n> replays the edits of one seed.
 *
 *   FUZZ_SEEDS=<n>       how many seeds: FUZZ_FIRST_SEED .. +n-1 (default 20; 200 under `npm run fuzz`)
 *   FUZZ_FIRST_SEED=<n>  the first (default 1; under `npm run fuzz` a random one, printed, so that
 *                        every long run tries new seeds)
 *   FUZZ_SEED=<n>        only this seed
 *   FUZZ_STEPS=<n>       steps per seed (default 8)
 *   FUZZ_TRACE=1         write every seed's edits to $TMPDIR/stepwise-sync-fuzz-seed-<n>.log (a
 *                        failing seed always writes its own, and names the file)
 */

const LONG = process.env.npm_lifecycle_event === 'fuzz'
const FIRST_SEED = envInt('FUZZ_FIRST_SEED', LONG ? 1 + Math.floor(Math.random() * 1_000_000) : 1)
const SEEDS = process.env.FUZZ_SEED ? [envInt('FUZZ_SEED', 1)] : Array.from({ length: envInt('FUZZ_SEEDS', LONG ? 200 : 20) }, (_, i) => FIRST_SEED + i)
const STEPS = Math.max(1, envInt('FUZZ_STEPS', 8))
/**
 * Chance that a seed restarts the server once, at one of its steps, and that the restart is a
 * SIGTERM rather than a SIGKILL. A restart costs ~3.5 s on PGlite and ~1.7 s on Postgres (an idle
 * 2-core machine; twice that under load), so a run has a few, not one a step: seeds 1-20 restart
 * six times, three of each kind.
 */
const RESTART_CHANCE = 0.35
const SIGTERM_CHANCE = 0.4

// ---------------------------------------------------------------------------------------------
// The server process: one for the whole file, restarted in place (same DATA_DIR, same port).

const fleet = {
  dataDir: '',
  port: 0,
  proc: null as ServerProcess | null,
  /** Set when the process ended without being told to: how, and its last words. */
  crashed: null as string | null,
  get url() {
    return `http://127.0.0.1:${this.port}`
  },
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

async function startServer(): Promise<void> {
  // The same DATA_DIR keeps PGlite's files and the secret it generated on the first start, so the
  // room's tokens stay valid; PORT is explicit so the providers reconnect to the new process.
  const proc = await spawnServer({
    DATA_DIR: fleet.dataDir,
    PORT: String(fleet.port),
    // One address makes a room and a dozen connections a seed, faster than the per-IP defaults
    // allow on a quick machine; the limits have their own tests (0 turns them off).
    RATE_LIMIT_ROOMS_PER_MINUTE: '0',
    RATE_LIMIT_CONNECTIONS_PER_MINUTE: '0',
  })
  fleet.proc = proc
  fleet.crashed = null
  void proc.exited.then((code) => {
    if (fleet.proc !== proc) return // stopped on purpose
    fleet.proc = null
    fleet.crashed = `the server process exited by itself (${code}); stderr:\n${tail(proc.stderr(), 2000)}`
  })
}

/** Stops the process with `signal`, bounded: SIGTERM must exit 0 within DESIGN.md's 10 s. */
async function stopServer(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const proc = fleet.proc!
  fleet.proc = null
  proc.child.kill(signal)
  const code = await Promise.race([proc.exited, sleep(15_000).then(() => 'still running after 15 s')])
  if (code === 'still running after 15 s') {
    proc.child.kill('SIGKILL')
    await proc.exited
  }
  const expected = signal === 'SIGTERM' ? 0 : 'SIGKILL'
  if (code !== expected) throw new Error(`${signal}: the server exited with ${code}, expected ${expected}; stderr:\n${tail(proc.stderr(), 2000)}`)
}

/** The board doc as the update log has it at `t`: GET /api/rooms/:id/replay/state. */
async function replayDoc(room: CreatedRoom, t: number): Promise<{ doc: Y.Doc; seq: number }> {
  const res = await fetch(`${fleet.url}/api/rooms/${room.room.id}/replay/state?t=${t}&doc=board`, {
    headers: { authorization: `Bearer ${room.tokens.interviewer}` },
  })
  if (res.status !== 200) throw new Error(`replay/state: ${res.status} ${await res.text()}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return { doc, seq: Number(res.headers.get('x-replay-seq')) }
}

// ---------------------------------------------------------------------------------------------

interface Peer {
  name: string
  client: YClient
  online: boolean
}

const stats = { seeds: 0, steps: 0, edits: 0, sigterm: 0, sigkill: 0, tailsLost: 0, retryCloses: 0, maxSeq: 0 }

/**
 * A close a stock client should never get for its own edits: a refusal (4400-4499, after which
 * the provider stops reconnecting), an undecodable (1003) or oversized (1009) message, a server
 * error (1011). 4500-4599 means "try again": the provider reconnects and resyncs, which is how the
 * server asks for an update whose dependencies it lacks (the tail a SIGKILL lost); those are only
 * counted.
 */
const isRefusal = (code: number) => (code >= 4000 && code < 4500) || code >= 4600 || code === 1003 || code === 1009 || code === 1011
const isRetry = (code: number) => code >= 4500 && code < 4600

async function runSeed(seed: number): Promise<void> {
  const rng = new Rng(seed)
  const t0 = Date.now()
  /** Milliseconds into the seed, in the trace: where a slow or stuck phase shows. */
  const ms = () => `+${Date.now() - t0}ms`
  const trace: string[] = []
  let where = 'setup'
  const peers: Peer[] = []
  const refusals: string[] = []
  const extra: YClient[] = []
  let room: CreatedRoom | undefined

  const open = (name: string, token: string, clientID?: number): YClient => {
    const ydoc = new Y.Doc()
    // Fixed client ids: concurrent edits then resolve the same way every time a seed runs.
    if (clientID !== undefined) ydoc.clientID = clientID
    const client = connectY(fleet.url, room!.room.id, token, { ydoc })
    client.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event && isRefusal(event.code)) refusals.push(`${name}: closed ${event.code} ${event.reason} (${where})`)
      if (event && isRetry(event.code)) {
        stats.retryCloses++
        trace.push(`${name} closed ${event.code} ${event.reason} (${where})`)
      }
    })
    return client
  }
  /** Fails at once on a refusal or a dead server, rather than when a wait for the clients runs out. */
  const noRefusals = () => {
    if (fleet.crashed) throw new Error(fleet.crashed)
    if (refusals.length > 0) throw new Error(`the server refused a stock client:\n${refusals.join('\n')}`)
  }
  const stuck = () => refusals.length > 0 || fleet.crashed !== null

  try {
    if (!fleet.proc) await startServer()
    room = await createRoom(fleet.url)
    const count = rng.between(2, 4)
    for (let i = 0; i < count; i++) {
      const name = `c${i}`
      // Interviewers and candidates alike edit the board; observers cannot, so none edits here.
      const token = i % 2 === 0 ? room.tokens.candidate : room.tokens.interviewer
      peers.push({ name, client: open(name, token, 1000 * seed + i + 1), online: true })
    }
    await waitFor(() => stuck() || peers.every((p) => p.client.provider.synced), { timeout: 10_000, what: 'every client synced' })
    noRefusals()
    trace.push(`${count} clients`)

    const restartAt = rng.chance(RESTART_CHANCE) ? rng.int(STEPS) : -1
    const restartSignal = rng.chance(SIGTERM_CHANCE) ? 'SIGTERM' : 'SIGKILL'

    const editBurst = async (step: number) => {
      const edits = rng.between(1, 6)
      for (let i = 0; i < edits; i++) {
        const peer = rng.pick(peers)
        trace.push(`step ${step} ${peer.name}${peer.online ? '' : ' (offline)'}: ${randomEdit(rng, peer.client.doc)}`)
        stats.edits++
        if (rng.chance(0.3)) await sleep(rng.int(15))
      }
    }
    const toggleSome = (step: number) => {
      for (const peer of peers) {
        if (!rng.chance(0.2)) continue
        if (peer.online) peer.client.provider.disconnect()
        else peer.client.provider.connect()
        peer.online = !peer.online
        trace.push(`step ${step} ${peer.name} ${peer.online ? 'connect' : 'disconnect'}`)
      }
    }

    /**
     * Before a SIGTERM, an observer that receives everything the server applies: once the process
     * has exited, the log must hold all of it (SIGTERM flushes every accepted write). It joins
     * before the step's edits, so the signal comes while they are still in the group commit.
     */
    const openWitness = async (step: number) => {
      const witness = open('witness', room!.tokens.observer)
      extra.push(witness)
      await waitFor(() => stuck() || witness.provider.synced, { timeout: 10_000, what: 'the witness synced' })
      trace.push(`step ${step} witness joined ${ms()}`)
      return witness
    }
    /** The witness has every edit of each client that is connected and synced (so has sent them all). */
    const witnessCaughtUp = (witness: YClient) => {
      const seen = Y.decodeStateVector(Y.encodeStateVector(witness.doc))
      return peers.every((p) => {
        const { provider, doc } = p.client
        return !(provider.wsconnected && provider.synced) || (seen.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID)
      })
    }

    /** Restarts the server under the clients; they keep editing while it is down. */
    async function restart(step: number, signal: 'SIGTERM' | 'SIGKILL', witness: YClient | null) {
      // Waiting for the relays, not for the log: a few ms, well inside the 80 ms group commit. Not
      // catching up is no failure in itself (a client may be reconnecting); the check below only
      // asks the log for what the witness did receive.
      if (witness) await waitFor(() => witnessCaughtUp(witness), { timeout: 3_000, interval: 2 }).catch(() => trace.push(`step ${step} witness not caught up`))
      // A SIGKILL comes straight after the edits: the tail still in the group commit is lost, and
      // must come back from the clients.
      const sent = peers.filter((p) => p.client.provider.wsconnected && p.client.provider.synced).map((p) => p.client.doc)
      const sentClocks = sent.map((doc) => [doc.clientID, Y.getState(doc.store, doc.clientID)] as const)
      trace.push(`step ${step} ${signal} ${ms()}`)
      await stopServer(signal)
      signal === 'SIGTERM' ? stats.sigterm++ : stats.sigkill++
      // Nothing the log holds at or before `downAt` can come from the next process.
      const downAt = Date.now()
      const accepted = witness ? Y.encodeStateAsUpdate(witness.doc) : null
      witness?.destroy()

      await editBurst(step) // edits while the server is down
      toggleSome(step)
      await sleep(rng.int(300))
      trace.push(`step ${step} starting the server again ${ms()}`)
      await startServer()
      trace.push(`step ${step} server up ${ms()}`)

      if (signal === 'SIGKILL') {
        // Not a check, a measure: did this kill lose a tail that only the clients' resync brings back?
        const { doc } = await replayDoc(room!, downAt)
        if (sentClocks.some(([client, clock]) => Y.getState(doc.store, client) < clock)) {
          stats.tailsLost++
          trace.push(`step ${step} the log lost a tail to SIGKILL`)
        }
        doc.destroy()
      }
      if (accepted) {
        where = `step ${step}, the log after SIGTERM`
        const { doc } = await replayDoc(room!, downAt)
        const before = snapshot(doc)
        Y.applyUpdate(doc, accepted)
        const after = snapshot(doc)
        doc.destroy()
        if (!same(before, after)) {
          throw new Error(`the log after SIGTERM lacks edits the server had applied (and relayed) before it:\n${difference(before, after, 'log', 'log+accepted')}`)
        }
      }
    }

    for (let step = 0; step < STEPS; step++) {
      where = `step ${step}`
      stats.steps++
      const restarting = step === restartAt
      const witness = restarting && restartSignal === 'SIGTERM' ? await openWitness(step) : null
      noRefusals()
      await editBurst(step)
      toggleSome(step)
      if (restarting) {
        where = `step ${step}, ${restartSignal} restart`
        await restart(step, restartSignal, witness)
      } else {
        await sleep(rng.int(80))
      }
      noRefusals()
    }

    // Everyone back online and quiet: every client holds the same document.
    where = 'final: every client synced'
    trace.push(`final ${ms()}`)
    for (const peer of peers) {
      if (!peer.online) {
        peer.client.provider.connect()
        peer.online = true
        trace.push(`final ${peer.name} connect`)
      }
    }
    await waitFor(() => stuck() || peers.every((p) => p.client.provider.wsconnected && p.client.provider.synced), {
      timeout: 15_000,
      what: 'every client connected and synced',
    })
    noRefusals()

    where = 'final: the clients converge'
    let previous = ''
    let stableSince = 0
    await waitFor(
      () => {
        if (stuck()) return true
        const snaps = peers.map((p) => snapshot(p.client.doc))
        const key = JSON.stringify(snaps[0])
        if (!snaps.every((s) => JSON.stringify(s) === key)) return false
        // Quiescent: the same state across polls 100 ms apart, not a moment of passing agreement.
        if (key !== previous) {
          previous = key
          stableSince = Date.now()
          return false
        }
        return Date.now() - stableSince >= 100
      },
      { timeout: 15_000, what: 'the clients to converge' },
    ).catch((err: Error) => {
      const snaps = peers.map((p) => snapshot(p.client.doc))
      const diffs = snaps.slice(1).map((s, i) => (same(snaps[0]!, s) ? '' : difference(snaps[0]!, s, 'c0', peers[i + 1]!.name))).filter(Boolean)
      throw new Error(`${err.message}\n${diffs.join('\n')}`)
    })
    noRefusals()
    const expected = snapshot(peers[0]!.client.doc)

    // The server's live doc, as a newcomer receives it.
    where = "final: the server's live doc"
    const probe = open('probe', room.tokens.observer)
    extra.push(probe)
    await waitFor(() => probe.provider.synced && same(snapshot(probe.doc), expected), { timeout: 10_000, what: "the server's live doc to equal the clients'" }).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${difference(expected, snapshot(probe.doc), 'clients', 'server')}`)
      },
    )

    // The doc rebuilt from the log: the same, once the group commit (~100 ms) has written the tail.
    where = 'final: the doc rebuilt from the log'
    let last: Snapshot | null = null
    await waitFor(
      async () => {
        const { doc, seq } = await replayDoc(room!, Date.now())
        last = snapshot(doc)
        doc.destroy()
        stats.maxSeq = Math.max(stats.maxSeq, seq)
        return same(last, expected)
      },
      { timeout: 5_000, interval: 100, what: "the log's doc to equal the clients'" },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${last ? difference(expected, last, 'clients', 'log') : ''}`)
    })
    stats.seeds++
    if (process.env.FUZZ_TRACE) writeFileSync(join(tmpdir(), `stepwise-sync-fuzz-seed-${seed}.log`), trace.join('\n') + '\n')
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    const stderr = fleet.proc ? tail(fleet.proc.stderr(), 1500) : ''
    const traceFile = join(tmpdir(), `stepwise-sync-fuzz-seed-${seed}.log`)
    writeFileSync(traceFile, trace.join('\n') + '\n')
    throw new Error(
      `sync fuzz seed ${seed} failed at ${where} (${dbKind}); replay its edits with\n` +
        `  ${dbKind === 'postgres' ? 'DATABASE_URL=… ' : ''}FUZZ_SEED=${seed}${STEPS !== 8 ? ` FUZZ_STEPS=${STEPS}` : ''} npx vitest run --project integration test/integration/yjs.sync-fuzz.test.ts\n` +
        `${message}\n--- edits (last 40 of ${trace.length}; all in ${traceFile}):\n${trace.slice(-40).join('\n')}` +
        (stderr ? `\n--- server stderr:\n${stderr}` : ''),
    )
  } finally {
    for (const p of peers) p.client.destroy()
    for (const c of extra) c.destroy()
  }
}

describe(`yjs sync fuzz (${dbKind}, seeds ${SEEDS[0]}..${SEEDS.at(-1)}): clients, live doc and log agree through disconnects and restarts`, () => {
  beforeAll(async () => {
    fleet.dataDir = mkdtempSync(join(tmpdir(), 'stepwise-fuzz-'))
    fleet.port = await freePort()
    await startServer()
  })
  afterAll(async () => {
    if (fleet.proc) await stopServer('SIGTERM').catch(() => {})
    rmSync(fleet.dataDir, { recursive: true, force: true })
    console.log(
      `sync fuzz (${dbKind}): ${stats.seeds}/${SEEDS.length} seeds passed, ${stats.steps} steps, ${stats.edits} edits, ` +
        `${stats.sigterm} SIGTERM and ${stats.sigkill} SIGKILL restarts (${stats.tailsLost} lost a tail), ${stats.retryCloses} try-again closes, longest log ${stats.maxSeq} updates`,
    )
  })

  for (const seed of SEEDS) {
    it(`seed ${seed}: every client, the live doc and the log end as one document`, () => runSeed(seed), 120_000)
  }
})
