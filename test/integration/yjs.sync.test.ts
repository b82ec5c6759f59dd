import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, eq } from 'drizzle-orm'
import * as Y from 'yjs'
import { yjsKeyframes } from '../../server/db/schema.js'
import { addNode, connectY, createRoom, waitFor, type YClient } from '../helpers/clients.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'

describe(`yjs sync (${dbKind})`, () => {
  let server: TestServer
  const clients: YClient[] = []
  const open = (...args: Parameters<typeof connectY>) => {
    const c = connectY(...args)
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.stop()
  })

  it('an interviewer and a candidate converge on canvas and notes', async () => {
    const { room, tokens } = await createRoom(server.url)
    const a = open(server.url, room.id, tokens.interviewer)
    const b = open(server.url, room.id, tokens.candidate)
    await Promise.all([a.synced, b.synced])
    addNode(a.doc, 'n1', { kind: 'model-server', label: 'Ranker' })
    b.doc.getText('notes:clarify').insert(0, 'DAU 100M, p99 < 200 ms')
    b.doc.getMap('edges').set('e1', new Y.Map(Object.entries({ source: 'n1', target: 'n1', label: 'scores' })))
    await waitFor(() => a.doc.getText('notes:clarify').toString() === 'DAU 100M, p99 < 200 ms' && a.doc.getMap('edges').has('e1'))
    await waitFor(() => b.doc.getMap('nodes').has('n1'))
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc))
    expect((b.doc.getMap('nodes').get('n1') as Y.Map<unknown>).get('label')).toBe('Ranker')
  })

  it('the content is there after a server restart', async () => {
    const { room, tokens } = await createRoom(server.url)
    const a = open(server.url, room.id, tokens.candidate)
    await a.synced
    addNode(a.doc, 'kept', { label: 'Feature store' })
    a.doc.getText('notes:data').insert(0, 'clicks, impressions')
    await waitFor(async () => (await server.docs.connections()).length > 0)
    a.destroy()
    const dataDir = server.dataDir
    const port = server.port
    await server.stop({ keepData: true })
    server = await startTestServer({ dataDir, port })
    const b = open(server.url, room.id, tokens.interviewer)
    await b.synced
    expect(b.doc.getText('notes:data').toString()).toBe('clicks, impressions')
    expect(b.doc.getMap('nodes').has('kept')).toBe(true)
  })

  it('a room loads from its latest keyframe plus the tail of the log', async () => {
    const small = await startTestServer({ keyframeEvery: 10 })
    try {
      const { room, tokens } = await createRoom(small.url)
      const a = open(small.url, room.id, tokens.candidate)
      await a.synced
      const text = a.doc.getText('notes:model')
      for (let i = 0; i < 37; i++) text.insert(text.length, `${i},`)
      const expected = text.toString()
      await small.store.flush()
      a.destroy()
      await waitFor(() => small.docs.size === 0, { what: 'room unloaded' })
      const frames = await small.deps.db.select({ n: count() }).from(yjsKeyframes).where(eq(yjsKeyframes.roomId, room.id))
      expect(frames[0]!.n).toBe(3)
      const b = open(small.url, room.id, tokens.candidate)
      await b.synced
      expect(b.doc.getText('notes:model').toString()).toBe(expected)
    } finally {
      await small.stop()
    }
  })
})
