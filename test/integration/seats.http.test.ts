import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, connectSocket, createRoom, waitFor } from '../helpers/clients.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'

const laptop = 'device-laptop-0123456789'
const otherLaptop = 'device-other-0123456789'

/**
 * A hiring panel's interviewer link is one person's seat: the first browser that opens it takes
 * it, a second browser is told (and offered a seat of its own), and links show who used them.
 */
describe(`seats and invite links (${dbKind})`, () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  const claim = (roomId: string, token: string, body: unknown) => api(server.url, `/api/rooms/${roomId}/links/mine/claim`, { token, method: 'POST', body })
  const links = async (roomId: string, token: string) => (await api(server.url, `/api/rooms/${roomId}/links`, { token })).body.links as Array<Record<string, any>>

  it("a panel's interviewer link is the first browser's seat; another browser learns who has it, and can take it back only on purpose", async () => {
    const { room, tokens } = await createRoom(server.url, { mode: 'panel' })
    expect((await claim(room.id, tokens.interviewer, { device: laptop })).body).toEqual({ seat: 'yours' })
    expect((await claim(room.id, tokens.interviewer, { device: laptop })).body).toEqual({ seat: 'yours' })
    const taken = await claim(room.id, tokens.interviewer, { device: otherLaptop })
    expect(taken.status).toBe(200)
    expect(taken.body).toEqual({ seat: 'taken', since: expect.any(String), by: null })
    const since = taken.body.since

    // The first person joins under a name: the second browser is told whose seat it is.
    const { socket } = await connectSocket(server.url, tokens.interviewer, 'Priya')
    try {
      await waitFor(async () => (await claim(room.id, tokens.interviewer, { device: otherLaptop })).body.by === 'Priya', { what: 'the name of the seat holder' })
    } finally {
      socket.disconnect()
    }
    // Claiming again from the first browser keeps the time it took the seat.
    expect((await claim(room.id, tokens.interviewer, { device: laptop })).body).toEqual({ seat: 'yours' })
    expect((await claim(room.id, tokens.interviewer, { device: otherLaptop })).body.since).toBe(since)

    // "It is me, on another device": the seat moves, and the first browser is then the other one.
    expect((await claim(room.id, tokens.interviewer, { device: otherLaptop, force: true })).body).toEqual({ seat: 'yours' })
    expect((await claim(room.id, tokens.interviewer, { device: laptop })).body).toMatchObject({ seat: 'taken' })
  })

  it('a seat of its own for the second panelist: a new interviewer link, labelled, with its own rubric', async () => {
    const { room, tokens } = await createRoom(server.url, { mode: 'panel' })
    await claim(room.id, tokens.interviewer, { device: laptop })
    const made = await api(server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer, method: 'POST', body: { role: 'interviewer', label: 'Sam' } })
    expect(made.status).toBe(201)
    const seat = made.body.link.token as string
    expect((await claim(room.id, seat, { device: otherLaptop })).body).toEqual({ seat: 'yours' })
    const mine = await api(server.url, `/api/rooms/${room.id}/rubrics`, { token: seat })
    const theirs = await api(server.url, `/api/rooms/${room.id}/rubrics`, { token: tokens.interviewer })
    expect(mine.status).toBe(200)
    expect(mine.body.mine.linkId).toBe(made.body.link.id)
    expect(theirs.body.mine.linkId).not.toBe(made.body.link.id)
    expect(mine.body.panel).toHaveLength(2)
  })

  it("links other than a panel's interviewer ones are shared freely: nothing is claimed", async () => {
    const peer = await createRoom(server.url, { mode: 'peer' })
    const panel = await createRoom(server.url, { mode: 'panel' })
    for (const [room, token] of [
      [peer.room, peer.tokens.interviewer],
      [peer.room, peer.tokens.candidate],
      [panel.room, panel.tokens.candidate],
      [panel.room, panel.tokens.observer],
    ] as const) {
      expect((await claim(room.id, token, { device: laptop })).body).toEqual({ seat: 'yours' })
      expect((await claim(room.id, token, { device: otherLaptop })).body).toEqual({ seat: 'yours' })
    }
    expect((await links(peer.room.id, peer.tokens.interviewer)).map((l) => l.claimedAt)).toEqual([null, null, null])
  })

  it('refuses a claim without a token or with a malformed device id, and changes nothing', async () => {
    const { room, tokens } = await createRoom(server.url, { mode: 'panel' })
    expect((await api(server.url, `/api/rooms/${room.id}/links/mine/claim`, { method: 'POST', body: { device: laptop } })).status).toBe(401)
    for (const body of [{}, { device: 'short' }, { device: 'has spaces in it 0123456789' }, { device: laptop, extra: 1 }, { device: laptop, force: 'yes' }]) {
      const res = await claim(room.id, tokens.interviewer, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('invalid')
    }
    expect((await links(room.id, tokens.interviewer)).every((l) => l.claimedAt === null)).toBe(true)
  })

  it('the links list says who joined through each link, and when a seat was taken', async () => {
    const { room, tokens } = await createRoom(server.url, { mode: 'panel' })
    await claim(room.id, tokens.interviewer, { device: laptop })
    const a = await connectSocket(server.url, tokens.candidate, 'Chen')
    a.socket.disconnect()
    const b = await connectSocket(server.url, tokens.candidate, 'Chen (phone)')
    b.socket.disconnect()
    await waitFor(async () => (await links(room.id, tokens.interviewer)).find((l) => l.role === 'candidate')?.usedBy.length === 2, { what: 'both joins listed' })
    const byRole = Object.fromEntries((await links(room.id, tokens.interviewer)).map((l) => [l.role, l]))
    expect(byRole.candidate).toMatchObject({ usedBy: ['Chen', 'Chen (phone)'], lastJoinedAt: expect.any(String), claimedAt: null })
    expect(byRole.interviewer).toMatchObject({ usedBy: [], lastJoinedAt: null, claimedAt: expect.any(String) })
    expect(byRole.observer).toMatchObject({ usedBy: [], claimedAt: null })
  })
})
