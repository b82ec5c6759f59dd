import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectY, createRoom, sleep, waitFor, type YClient } from '../helpers/clients.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'

/**
 * In a hiring interview an observer is silent: their cursor and selection (Yjs awareness) reach
 * the interviewers, never the candidate. In peer practice everyone sees everyone.
 */
describe(`observers' cursors in a hiring panel (${dbKind})`, () => {
  let server: TestServer
  const clients: YClient[] = []
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy()
  })
  afterAll(async () => {
    await server.stop()
  })

  const open = async (roomId: string, token: string, name: string) => {
    const c = connectY(server.url, roomId, token)
    clients.push(c)
    await c.synced
    c.provider.awareness.setLocalStateField('user', { name })
    return c
  }
  const seen = (c: YClient) => [...c.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string } | undefined)?.name).filter(Boolean).sort()

  it("the candidate never sees a panel observer's cursor, before or after joining; the interviewer does", async () => {
    const { room, tokens } = await createRoom(server.url, { mode: 'panel' })
    const interviewer = await open(room.id, tokens.interviewer, 'Ivy')
    const observer = await open(room.id, tokens.observer, 'Olga')
    observer.provider.awareness.setLocalStateField('selection', ['n1'])
    const candidate = await open(room.id, tokens.candidate, 'Cam')
    await waitFor(() => seen(interviewer).join() === 'Cam,Ivy,Olga', { what: 'everyone at the interviewer' })
    await waitFor(() => seen(observer).join() === 'Cam,Ivy,Olga', { what: 'everyone at the observer' })
    await waitFor(() => seen(candidate).join() === 'Cam,Ivy', { what: 'the interviewer at the candidate' })
    // The observer moves on; the candidate still hears nothing of them, by update or by a query.
    observer.provider.awareness.setLocalStateField('pointer', { x: 10, y: 20 })
    await waitFor(() => [...interviewer.provider.awareness.getStates().values()].some((s) => (s.pointer as { x?: number } | undefined)?.x === 10), { what: "the observer's pointer at the interviewer" })
    // The candidate on a second device, joining now: the greeting leaves the observer out too.
    const tablet = await open(room.id, tokens.candidate, 'Cam (tablet)')
    await waitFor(() => seen(tablet).join() === 'Cam,Cam (tablet),Ivy', { what: 'the room at the late candidate' })
    await sleep(300)
    expect(seen(tablet)).toEqual(['Cam', 'Cam (tablet)', 'Ivy'])
    expect(seen(candidate)).toEqual(['Cam', 'Cam (tablet)', 'Ivy'])
    // Leaving is no news to the candidate either.
    observer.provider.destroy()
    await waitFor(() => seen(interviewer).join() === 'Cam,Cam (tablet),Ivy', { what: 'the observer gone at the interviewer' })
    expect(seen(candidate)).toEqual(['Cam', 'Cam (tablet)', 'Ivy'])
  })

  it('in peer practice the candidate sees the observer too', async () => {
    const { room, tokens } = await createRoom(server.url, { mode: 'peer' })
    await open(room.id, tokens.observer, 'Olga')
    const candidate = await open(room.id, tokens.candidate, 'Cam')
    await waitFor(() => seen(candidate).join() === 'Cam,Olga', { what: 'the observer at the candidate' })
  })
})
