import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, asc, eq } from 'drizzle-orm'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { yjsUpdates } from '../../server/db/schema.js'
import { addNode, api, connectSocket, connectY, createRoom, type ClientSocket, type CreatedRoom, waitFor, type YClient } from '../helpers/clients.js'
import { dbKind, serverPerSuite, startTestServer, type TestServer } from '../helpers/server.js'
import { badTokens, claimsOf, serverSigner } from '../helpers/tokens.js'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1

/** A provider that also records every time its socket was closed, so "stays open" is checkable. */
interface WatchedY extends YClient {
  closes: Array<{ code: number | null }>
}

/** What a plain `ws` client saw of the Yjs endpoint: the upgrade answer, messages, and the close. */
interface RawY {
  ws: WebSocket
  /** Resolves once the server greeted the socket (its sync step 1): the document is loaded. */
  greeted: Promise<void>
  closed: Promise<{ code: number; reason: string }>
  send(bytes: Uint8Array | string): void
}

/** A small seeded LCG (Numerical Recipes constants): reproducible "random" bytes. */
function lcg(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state >>> 24
  }
}

function message(...parts: Array<(e: encoding.Encoder) => void>): Uint8Array {
  const e = encoding.createEncoder()
  for (const part of parts) part(e)
  return encoding.toUint8Array(e)
}

/** A y-websocket sync "update" message carrying `update`. */
function updateMessage(update: Uint8Array): Uint8Array {
  return message((e) => encoding.writeVarUint(e, MESSAGE_SYNC), (e) => syncProtocol.writeUpdate(e, update))
}

/** An awareness message from raw entries, so a test can put a broken entry after a good one. */
function awarenessMessage(entries: Array<{ clientId: number; clock: number; json: string }>): Uint8Array {
  const inner = message(
    (e) => encoding.writeVarUint(e, entries.length),
    ...entries.map((entry) => (e: encoding.Encoder) => {
      encoding.writeVarUint(e, entry.clientId)
      encoding.writeVarUint(e, entry.clock)
      encoding.writeVarString(e, entry.json)
    }),
  )
  return message((e) => encoding.writeVarUint(e, MESSAGE_AWARENESS), (e) => encoding.writeVarUint8Array(e, inner))
}

/** A genuine update: what a real client would send for typing `text`. */
function realUpdate(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('notes:clarify').insert(0, text)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

describe(`yjs endpoint security (${dbKind})`, () => {
  const env = serverPerSuite()
  const { cleanup } = env
  /** Closers of the clients a test opened; run after each test (fixtures of a describe use their own list). */

  const wsBase = (s: TestServer) => s.url.replace(/^http/, 'ws')

  const open = (s: TestServer, roomId: string, token: string, opts: { doc?: 'board' | 'private' } = {}): WatchedY => {
    const c = connectY(s.url, roomId, token, opts) as WatchedY
    c.closes = []
    c.provider.on('connection-close', (event) => c.closes.push({ code: event?.code ?? null }))
    cleanup.push(() => c.destroy())
    return c
  }

  const socket = async (s: TestServer, token: string, name?: string): Promise<ClientSocket> => {
    const { socket } = await connectSocket(s.url, token, name)
    cleanup.push(() => socket.disconnect())
    return socket
  }

  /** Opens the Yjs endpoint with a plain `ws` client and reports the HTTP answer to the upgrade. */
  const upgradeStatus = (s: TestServer, path: string) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const ws = new WebSocket(wsBase(s) + path)
      ws.on('open', () => {
        ws.terminate()
        resolve({ status: 101, body: null })
      })
      ws.on('unexpected-response', (req, res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          resolve({ status: res.statusCode!, body: JSON.parse(text) })
          req.destroy()
        })
      })
      ws.on('error', reject)
    })

  const rawY = (s: TestServer, roomId: string, token: string, doc: 'board' | 'private' = 'board'): RawY => {
    const ws = new WebSocket(`${wsBase(s)}/yjs/${roomId}${doc === 'private' ? '/private' : ''}?token=${encodeURIComponent(token)}`)
    ws.binaryType = 'nodebuffer'
    ws.on('error', () => {})
    cleanup.push(() => ws.terminate())
    const greeted = new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve())
      ws.once('close', (code) => reject(new Error(`closed with ${code} before the greeting`)))
    })
    greeted.catch(() => {})
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    return { ws, greeted, closed, send: (bytes) => ws.send(bytes, { binary: typeof bytes !== 'string' }) }
  }

  /** Every logged update of a document, in order: what a restart or a replay would load. */
  const logOf = async (s: TestServer, roomId: string, doc: 'board' | 'private' = 'board') => {
    await s.store.flush()
    return s.deps.db
      .select()
      .from(yjsUpdates)
      .where(and(eq(yjsUpdates.roomId, roomId), eq(yjsUpdates.doc, doc)))
      .orderBy(asc(yjsUpdates.seq))
  }

  /** The document the log rebuilds, update by update. */
  const replay = (rows: Array<{ bytes: Uint8Array }>) => {
    const doc = new Y.Doc()
    for (const row of rows) Y.applyUpdate(doc, row.bytes)
    return doc
  }

  const newLink = async (s: TestServer, created: CreatedRoom, role: 'interviewer' | 'candidate' | 'observer', label?: string) => {
    const res = await api(s.url, `/api/rooms/${created.room.id}/links`, { token: created.tokens.interviewer, body: { role, ...(label ? { label } : {}) } })
    expect(res.status).toBe(201)
    return res.body.link as { id: string; token: string }
  }


  describe('observers are read-only', () => {
    it("an observer's edits never reach another client nor the database, and the observer still receives everyone else's", async () => {
      const created = await createRoom(env.server.url)
      const { room, tokens } = created
      const interviewer = open(env.server, room.id, tokens.interviewer)
      const candidate = open(env.server, room.id, tokens.candidate)
      const observer = open(env.server, room.id, tokens.observer)
      await Promise.all([interviewer.synced, candidate.synced, observer.synced])

      observer.doc.getText('notes:clarify').insert(0, 'OBSERVER WAS HERE')
      addNode(observer.doc, 'observer-node', { label: 'Observer box' })
      observer.doc.getMap('edges').set('observer-edge', new Y.Map(Object.entries({ source: 'a', target: 'b', label: 'x' })))
      // Observers may show a cursor. The awareness message leaves after the edits on the same
      // socket, so once the others see it, any relayed edit would already have arrived.
      observer.provider.awareness.setLocalStateField('user', { name: 'Watcher', marker: 'after-edits' })
      await waitFor(() => candidate.provider.awareness.getStates().get(observer.doc.clientID)?.user?.marker === 'after-edits', { what: "observer's awareness at the candidate" })
      await waitFor(() => interviewer.provider.awareness.getStates().get(observer.doc.clientID)?.user?.marker === 'after-edits', { what: "observer's awareness at the interviewer" })

      interviewer.doc.getText('notes:clarify').insert(0, 'interviewer: scale is 10M DAU. ')
      addNode(candidate.doc, 'candidate-node', { label: 'Ranker' })
      await waitFor(() => observer.doc.getText('notes:clarify').toString().includes('interviewer: scale is 10M DAU.'), { what: 'interviewer edit at the observer' })
      await waitFor(() => observer.doc.getMap('nodes').has('candidate-node'), { what: 'candidate edit at the observer' })
      await waitFor(() => interviewer.doc.getMap('nodes').has('candidate-node') && candidate.doc.getText('notes:clarify').length > 0)

      for (const other of [interviewer, candidate]) {
        expect(other.doc.getText('notes:clarify').toString()).toBe('interviewer: scale is 10M DAU. ')
        expect(other.doc.getMap('nodes').has('observer-node')).toBe(false)
        expect(other.doc.getMap('edges').has('observer-edge')).toBe(false)
      }
      // The observer's socket stayed open the whole time (its step 2 and updates were dropped, not punished).
      expect(observer.closes).toEqual([])
      expect(observer.provider.wsconnected).toBe(true)

      // A client arriving now gets the server's state, which never took the observer's edits.
      const late = open(env.server, room.id, tokens.candidate)
      await late.synced
      expect(late.doc.getText('notes:clarify').toString()).toBe('interviewer: scale is 10M DAU. ')
      expect(late.doc.getMap('nodes').has('observer-node')).toBe(false)

      const rows = await logOf(env.server, room.id)
      expect(rows.length).toBeGreaterThan(0)
      const observerLink = claimsOf(tokens.observer).linkId
      expect(rows.filter((r) => r.participantId === observerLink)).toEqual([])
      const stored = replay(rows)
      expect(stored.getText('notes:clarify').toString()).toBe('interviewer: scale is 10M DAU. ')
      expect(stored.getMap('nodes').has('observer-node')).toBe(false)
      expect(stored.getMap('nodes').has('candidate-node')).toBe(true)
    })

    it("an observer's raw update, step 2 and even undecodable bytes are dropped without closing its socket", async () => {
      const { room, tokens } = await createRoom(env.server.url)
      const candidate = open(env.server, room.id, tokens.candidate)
      await candidate.synced
      const observer = rawY(env.server, room.id, tokens.observer)
      await observer.greeted
      observer.send(updateMessage(realUpdate('raw observer update')))
      observer.send(message((e) => encoding.writeVarUint(e, MESSAGE_SYNC), (e) => encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2), (e) => encoding.writeVarUint8Array(e, realUpdate('raw observer step 2'))))
      observer.send(updateMessage(new Uint8Array(16).fill(0xff)))
      // Then ask for the document: the answer proves the socket is open and the updates were not applied.
      const answer = new Promise<Buffer>((resolve) => observer.ws.on('message', (data: Buffer) => data[0] === MESSAGE_SYNC && data[1] === syncProtocol.messageYjsSyncStep2 && resolve(data)))
      observer.send(message((e) => encoding.writeVarUint(e, MESSAGE_SYNC), (e) => syncProtocol.writeSyncStep1(e, new Y.Doc())))
      const step2 = await answer
      const seen = new Y.Doc()
      syncProtocol.readSyncMessage(decoding.createDecoder(new Uint8Array(step2.subarray(1))), encoding.createEncoder(), seen, null)
      expect(seen.getText('notes:clarify').toString()).toBe('')
      expect(observer.ws.readyState).toBe(WebSocket.OPEN)
      expect(await logOf(env.server, room.id)).toEqual([])
    })
  })

  describe('the private doc', () => {
    it('candidate and observer tokens cannot open the private doc (HTTP 403 at the upgrade)', async () => {
      const { room, tokens } = await createRoom(env.server.url)
      for (const role of ['candidate', 'observer'] as const) {
        const res = await upgradeStatus(env.server, `/yjs/${room.id}/private?token=${tokens[role]}`)
        expect(res.status, role).toBe(403)
        expect(res.body.error.code).toBe('forbidden')
      }
      expect((await upgradeStatus(env.server, `/yjs/${room.id}/private?token=${tokens.interviewer}`)).status).toBe(101)
    })

    it('an interviewer writes private notes that another interviewer of the room sees, and the board never shows them', async () => {
      const created = await createRoom(env.server.url, { mode: 'panel' })
      const { room, tokens } = created
      const second = await newLink(env.server, created, 'interviewer', 'Panelist')
      const a = open(env.server, room.id, tokens.interviewer, { doc: 'private' })
      await a.synced
      a.doc.getText('private:clarify').insert(0, 'Candidate skipped latency; probe in serve step.')
      const b = open(env.server, room.id, second.token, { doc: 'private' })
      await b.synced
      await waitFor(() => b.doc.getText('private:clarify').toString() === 'Candidate skipped latency; probe in serve step.')
      b.doc.getText('private:model').insert(0, 'Strong on two-tower.')
      await waitFor(() => a.doc.getText('private:model').toString() === 'Strong on two-tower.')

      const board = open(env.server, room.id, tokens.candidate)
      await board.synced
      expect(board.doc.getText('private:clarify').toString()).toBe('')
      expect(board.doc.getText('private:model').toString()).toBe('')
      const boardLog = await logOf(env.server, room.id, 'board')
      expect(replay(boardLog).getText('private:clarify').toString()).toBe('')
      const privateLog = await logOf(env.server, room.id, 'private')
      expect(replay(privateLog).getText('private:clarify').toString()).toBe('Candidate skipped latency; probe in serve step.')
    })
  })

  describe('tokens at the upgrade', () => {
    let created: CreatedRoom
    beforeAll(async () => {
      created = await createRoom(env.server.url)
    })

    it('refuses no token, a forged, foreign-signed, expired or garbage token with HTTP 401, on both docs', async () => {
      const { room, tokens } = created
      for (const doc of ['', '/private']) {
        expect((await upgradeStatus(env.server, `/yjs/${room.id}${doc}`)).status).toBe(401)
        for (const [what, token] of Object.entries(badTokens(env.server.dataDir, tokens.interviewer))) {
          const res = await upgradeStatus(env.server, `/yjs/${room.id}${doc}?token=${encodeURIComponent(token)}`)
          expect(res.status, `${what} on ${doc || 'board'}`).toBe(401)
          expect(res.body.error.code).toBe('unauthorized')
        }
      }
    })

    it("refuses a revoked link's token with 401", async () => {
      const link = await newLink(env.server, created, 'candidate')
      expect((await upgradeStatus(env.server, `/yjs/${created.room.id}?token=${link.token}`)).status).toBe(101)
      await api(env.server.url, `/api/rooms/${created.room.id}/links/${link.id}`, { token: created.tokens.interviewer, method: 'DELETE' })
      expect((await upgradeStatus(env.server, `/yjs/${created.room.id}?token=${link.token}`)).status).toBe(401)
    })

    it('answers an unknown room with 404, and another room\'s token with 403', async () => {
      const token = serverSigner(env.server.dataDir).sign({ ...claimsOf(created.tokens.candidate), roomId: 'nosuchroom' })
      expect((await upgradeStatus(env.server, `/yjs/nosuchroom?token=${token}`)).status).toBe(404)
      const other = await createRoom(env.server.url)
      expect((await upgradeStatus(env.server, `/yjs/${other.room.id}?token=${created.tokens.candidate}`)).status).toBe(403)
    })
  })

  describe('revoking a link', () => {
    it("closes that link's open Yjs socket (4401) and socket.io socket, while the other sockets carry on", async () => {
      const created = await createRoom(env.server.url)
      const { room, tokens } = created
      const laptop = await newLink(env.server, created, 'candidate', 'Second laptop')

      const interviewer = open(env.server, room.id, tokens.interviewer)
      const candidate = open(env.server, room.id, tokens.candidate)
      const revokedY = open(env.server, room.id, laptop.token)
      const revokedRaw = rawY(env.server, room.id, laptop.token)
      await Promise.all([interviewer.synced, candidate.synced, revokedY.synced, revokedRaw.greeted])
      const interviewerIo = await socket(env.server, tokens.interviewer, 'Ada')
      let present: string[] = []
      interviewerIo.on('presence', ({ participants }) => (present = participants.map((p) => p.name).sort()))
      const candidateIo = await socket(env.server, tokens.candidate, 'Grace')
      const revokedIo = await socket(env.server, laptop.token, 'Grace (laptop)')

      const providerClosed = new Promise<{ code: number }>((resolve) => revokedY.provider.once('closed', resolve))
      const ioRevoked = new Promise<{ message: string }>((resolve) => revokedIo.once('revoked', resolve))
      const ioDisconnected = new Promise<string>((resolve) => revokedIo.once('disconnect', resolve))
      await waitFor(() => present.length === 3, { what: 'the laptop in the presence list' })

      const res = await api(env.server.url, `/api/rooms/${room.id}/links/${laptop.id}`, { token: tokens.interviewer, method: 'DELETE' })
      expect(res.status).toBe(200)

      expect((await revokedRaw.closed).code).toBe(4401)
      expect((await providerClosed).code).toBe(4401)
      expect(revokedY.closes.map((c) => c.code)).toEqual([4401])
      expect((await ioRevoked).message).toMatch(/revoked/)
      expect(await ioDisconnected).toBe('io server disconnect')
      await waitFor(() => present.length === 2, { what: 'the laptop gone from the presence list' })
      expect(present).toEqual(['Ada', 'Grace'])

      // Everyone else carries on: edits flow both ways, the timer still reaches the candidate.
      candidate.doc.getText('notes:frame').insert(0, 'ranking problem')
      interviewer.doc.getText('notes:data').insert(0, 'logs')
      await waitFor(() => interviewer.doc.getText('notes:frame').toString() === 'ranking problem' && candidate.doc.getText('notes:data').toString() === 'logs')
      const timerSeen = new Promise((resolve) => candidateIo.once('timer', resolve))
      const ack = await interviewerIo.timeout(5000).emitWithAck('timer:command', { type: 'start' })
      expect(ack.ok).toBe(true)
      await timerSeen
      expect(interviewer.closes).toEqual([])
      expect(candidate.closes).toEqual([])
      expect(interviewerIo.connected && candidateIo.connected).toBe(true)
      // The revoked provider does not hammer the server: 44xx means "do not reconnect".
      expect(revokedY.provider.shouldConnect).toBe(false)
    })
  })

  describe('awareness', () => {
    it("a provider's awareness reaches the others and is cleared when its socket drops without a goodbye", async () => {
      const { room, tokens } = await createRoom(env.server.url)
      const a = open(env.server, room.id, tokens.interviewer)
      const b = open(env.server, room.id, tokens.candidate)
      const c = open(env.server, room.id, tokens.observer)
      await Promise.all([a.synced, b.synced, c.synced])
      a.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#2563eb' })
      for (const other of [b, c]) {
        await waitFor(() => other.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada', { what: "Ada's awareness" })
      }
      // The connection drops (a closed laptop lid): no awareness "null" is sent, the server must clear it.
      a.provider.shouldConnect = false
      ;(a.provider.ws as unknown as WebSocket).terminate()
      for (const other of [b, c]) {
        await waitFor(() => !other.provider.awareness.getStates().has(a.doc.clientID), { what: "Ada's awareness cleared" })
      }
      const late = open(env.server, room.id, tokens.candidate)
      await late.synced
      expect(late.provider.awareness.getStates().has(a.doc.clientID)).toBe(false)
    })

    it('a raw socket that announces a state and vanishes leaves nothing behind', async () => {
      const { room, tokens } = await createRoom(env.server.url)
      const b = open(env.server, room.id, tokens.candidate)
      await b.synced
      const ghost = rawY(env.server, room.id, tokens.observer)
      await ghost.greeted
      const ghostId = 987_654_321
      ghost.send(awarenessMessage([{ clientId: ghostId, clock: 1, json: JSON.stringify({ user: { name: 'Ghost' } }) }]))
      await waitFor(() => b.provider.awareness.getStates().get(ghostId)?.user?.name === 'Ghost', { what: 'ghost awareness' })
      ghost.ws.terminate()
      await waitFor(() => !b.provider.awareness.getStates().has(ghostId), { what: 'ghost cleared' })
    })
  })

  describe('malformed and oversized messages', () => {
    let small: TestServer
    let created: CreatedRoom
    let badLink: { id: string; token: string }
    let a: WatchedY, b: WatchedY, c: WatchedY, d: WatchedY
    let round = 0

    const fixtures: Array<() => void> = []

    beforeAll(async () => {
      small = await startTestServer({ env: { MAX_MESSAGE_BYTES: '65536' } })
      created = await createRoom(small.url)
      // The bad sockets come through their own link, so the log can be searched for anything of theirs.
      badLink = await newLink(small, created, 'candidate', 'bad client')
      const other = await createRoom(small.url)
      a = open(small, created.room.id, created.tokens.interviewer)
      b = open(small, created.room.id, created.tokens.candidate)
      c = open(small, other.room.id, other.tokens.interviewer)
      d = open(small, other.room.id, other.tokens.candidate)
      await Promise.all([a.synced, b.synced, c.synced, d.synced])
      fixtures.push(...cleanup.splice(0))
    })
    afterAll(async () => {
      for (const fn of fixtures) fn()
      await small.stop()
    })

    /** The providers of the same room and of another room still sync, and none was ever closed. */
    const othersCarryOn = async () => {
      const mark = `r${++round};`
      a.doc.getText('notes:clarify').insert(a.doc.getText('notes:clarify').length, mark)
      d.doc.getText('notes:clarify').insert(d.doc.getText('notes:clarify').length, mark)
      await waitFor(() => b.doc.getText('notes:clarify').toString().includes(mark), { what: `same room, ${mark}` })
      await waitFor(() => c.doc.getText('notes:clarify').toString().includes(mark), { what: `other room, ${mark}` })
      for (const p of [a, b, c, d]) expect(p.closes).toEqual([])
    }

    /** Sends one message on a fresh socket of the bad link and returns how the server closed it. */
    const sendBad = async (bytes: Uint8Array | string) => {
      const bad = rawY(small, created.room.id, badLink.token)
      await bad.greeted
      bad.send(bytes)
      return bad.closed
    }

    it('random bytes close that socket only (seeded fuzz)', async () => {
      // Bare random bytes, and random bytes behind each real message header, so the fuzz reaches
      // the sync and awareness decoders rather than stopping at the message type.
      const headers: number[][] = [[], [MESSAGE_SYNC, 0], [MESSAGE_SYNC, 1], [MESSAGE_SYNC, 2], [MESSAGE_AWARENESS]]
      for (let i = 0; i < 40; i++) {
        const rnd = lcg(1000 + i)
        const payload = Uint8Array.from({ length: 1 + (rnd() % 48) }, () => rnd())
        const header = headers[i % headers.length]!
        const bytes =
          header.length > 0 && i % 2 === 0
            ? message(...header.map((h) => (e: encoding.Encoder) => encoding.writeVarUint(e, h)), (e) => encoding.writeVarUint8Array(e, payload))
            : Uint8Array.from([...header, ...payload])
        const { code } = await sendBad(bytes)
        // 4501: bytes that happen to decode as an update of a clock the server does not have.
        expect([1003, 4400, 4501], `message ${i}: ${Buffer.from(bytes).toString('hex')}`).toContain(code)
        if (i % 8 === 7) await othersCarryOn()
      }
      await othersCarryOn()
    })

    it('a truncated update message closes that socket only', async () => {
      const whole = updateMessage(realUpdate('this update is cut in half on the wire'))
      for (const cut of [2, 5, Math.floor(whole.length / 2), whole.length - 1]) {
        const { code } = await sendBad(whole.subarray(0, cut))
        expect(code, `cut at ${cut} of ${whole.length}`).toBe(4400)
      }
      // Well framed, but the update inside is cut short.
      const update = realUpdate('the frame is fine, the update is not')
      expect((await sendBad(updateMessage(update.subarray(0, update.length - 3)))).code).toBe(4400)
      await othersCarryOn()
    })

    it('a message over MAX_MESSAGE_BYTES closes that socket with 1009 only', async () => {
      const big = new Uint8Array(70_000)
      big.set(updateMessage(realUpdate('x')))
      expect((await sendBad(big)).code).toBe(1009)
      // Under the limit, a large but real edit is fine.
      const text = 'y'.repeat(50_000)
      b.doc.getText('notes:data').insert(0, text)
      await waitFor(() => a.doc.getText('notes:data').length === text.length, { what: 'a 50 kB edit' })
      await othersCarryOn()
    })

    it('an update that does not decode closes that socket only', async () => {
      for (const garbage of [new Uint8Array(16).fill(0xff), Uint8Array.from([5, 1, 2, 3]), Uint8Array.from([1, 200, 7])]) {
        expect((await sendBad(updateMessage(garbage))).code).toBe(4400)
        const step2 = message((e) => encoding.writeVarUint(e, MESSAGE_SYNC), (e) => encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2), (e) => encoding.writeVarUint8Array(e, garbage))
        expect((await sendBad(step2)).code).toBe(4400)
      }
      await othersCarryOn()
    })

    it('a text frame or an unknown message type closes that socket only', async () => {
      expect((await sendBad('hello')).code).toBe(1003)
      expect((await sendBad(Uint8Array.from([7]))).code).toBe(4400)
      expect((await sendBad(Uint8Array.from([MESSAGE_SYNC, 9]))).code).toBe(4400)
      await othersCarryOn()
    })

    it('a half-valid awareness message closes that socket and leaves no awareness state behind', async () => {
      const ghostId = 123_456_789
      const { code } = await sendBad(
        awarenessMessage([
          { clientId: ghostId, clock: 1, json: JSON.stringify({ user: { name: 'Half ghost' } }) },
          { clientId: ghostId + 1, clock: 1, json: '{not json' },
        ]),
      )
      expect(code).toBe(4400)
      await othersCarryOn()
      expect(b.provider.awareness.getStates().has(ghostId)).toBe(false)
      // A newcomer is greeted with the server's awareness: the half-applied state must not be in it.
      const late = open(small, created.room.id, created.tokens.candidate)
      await late.synced
      expect(late.provider.awareness.getStates().has(ghostId)).toBe(false)
    })

    it('nothing from the bad sockets is in the log, and the log rebuilds the good document', async () => {
      const rows = await logOf(small, created.room.id)
      expect(rows.filter((r) => r.participantId === badLink.id)).toEqual([])
      const stored = replay(rows)
      expect(stored.getText('notes:clarify').toString()).toBe(a.doc.getText('notes:clarify').toString())
      expect(stored.getText('notes:data').toString()).toBe(a.doc.getText('notes:data').toString())
      expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(a.doc))
      const health = await api(small.url, '/api/health')
      expect(health.body.ok).toBe(true)
    })
  })
})
