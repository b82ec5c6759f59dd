import { beforeAll, describe, expect, it } from 'vitest'
import { like } from 'drizzle-orm'
import { kits, rooms } from '../../server/db/schema.js'
import { api, connectSocket, createRoom, type CreatedRoom } from '../helpers/clients.js'
import { dbKind, serverPerSuite } from '../helpers/server.js'

/**
 * Text that JSON and JavaScript carry but Postgres cannot store: a NUL (refused in text and jsonb)
 * and a UTF-16 surrogate without its other half (not encodable as UTF-8). Each in the middle of
 * otherwise ordinary text, as a paste would bring it.
 */
const BAD = [
  { what: 'a NUL character', text: 'before\u0000after' },
  { what: 'a lone high surrogate', text: 'before\ud800after' },
  { what: 'a lone low surrogate', text: 'before\udc00after' },
] as const

type Reply = { status: number; body: any }

interface Input {
  /** The field as the refusal must name it. */
  field: string
  where: string
  /** Sends `bad` in the field; `marker` goes into a valid field so what was stored can be found. */
  send(bad: string, marker: string): Promise<Reply>
  /** Whether anything of this request was stored. */
  stored(marker: string): Promise<boolean>
}

describe(`text no database can store is refused with a 400 naming the field (${dbKind})`, () => {
  const env = serverPerSuite()
  const { cleanup } = env
  const url = () => env.server.url
  let room: CreatedRoom
  let kit: { id: string; editToken: string }
  let n = 0
  const nextMarker = () => `MARK-${Date.now().toString(36)}-${n++}`

  const step = (key: string, marker = 'ordinary') => ({
    key,
    title: `Step ${key}`,
    minutes: 5,
    prompts: [`what to cover in ${key}`, marker],
    hints: ['a follow-up'],
    anchors: { mid: 'mid answer', senior: 'senior answer', staff: 'staff answer' },
  })
  /** A valid kit whose second step carries the marker; `patch` puts the bad text in place. */
  const kitBody = (marker: string, patch: (body: any) => void = () => {}) => {
    const body = { title: 'Inputs kit', description: 'a kit', steps: [step('scope'), step('design', marker)] }
    patch(body)
    return body
  }
  const kitStored = async (marker: string) => (await env.server.deps.db.select({ kit: kits.kit }).from(kits)).some((r) => JSON.stringify(r.kit).includes(marker))
  const roomStored = async (marker: string) => (await env.server.deps.db.select({ id: rooms.id }).from(rooms).where(like(rooms.title, `%${marker}%`))).length > 0
  const linkCount = async () => (await api(url(), `/api/rooms/${room.room.id}/links`, { token: room.tokens.interviewer })).body.links.length
  const putRubric = (body: unknown) => api(url(), `/api/rooms/${room.room.id}/rubrics/mine`, { token: room.tokens.interviewer, method: 'PUT', body })
  const rubricSaved = async () => (await api(url(), `/api/rooms/${room.room.id}/rubrics`, { token: room.tokens.interviewer })).body.mine.version > 0
  const rubricInput = (field: string, body: (bad: string) => unknown): Input => ({
    field,
    where: 'PUT /api/rooms/:id/rubrics/mine',
    send: (bad) => putRubric(body(bad)),
    stored: rubricSaved,
  })

  const inputs: Input[] = [
    { field: 'title', where: 'POST /api/rooms', send: (bad, m) => api(url(), '/api/rooms', { body: { title: `${m} ${bad}` } }), stored: roomStored },
    { field: 'kitId', where: 'POST /api/rooms', send: (bad, m) => api(url(), '/api/rooms', { body: { title: m, kitId: bad } }), stored: roomStored },
    { field: 'questionId', where: 'POST /api/rooms', send: (bad, m) => api(url(), '/api/rooms', { body: { title: m, questionId: bad } }), stored: roomStored },
    ...(
      [
        ['title', (b: any, bad: string) => (b.title = bad)],
        ['description', (b: any, bad: string) => (b.description = bad)],
        ['steps.0.title', (b: any, bad: string) => (b.steps[0].title = bad)],
        ['steps.0.prompts.0', (b: any, bad: string) => (b.steps[0].prompts[0] = bad)],
        ['steps.0.hints.0', (b: any, bad: string) => (b.steps[0].hints[0] = bad)],
        ['steps.0.anchors.staff', (b: any, bad: string) => (b.steps[0].anchors.staff = bad)],
      ] as const
    ).map(([field, patch]): Input => ({
      field,
      where: 'POST /api/kits',
      send: (bad, m) => api(url(), '/api/kits', { body: kitBody(m, (b) => patch(b, bad)) }),
      stored: kitStored,
    })),
    {
      field: 'steps.0.anchors.mid',
      where: 'PUT /api/kits/:id',
      send: (bad, m) => api(url(), `/api/kits/${kit.id}`, { method: 'PUT', token: kit.editToken, body: kitBody(m, (b) => (b.steps[0].anchors.mid = bad)) }),
      stored: async (m) => (await kitStored(m)) || (await api(url(), `/api/kits/${kit.id}`)).body.kit.version !== 1,
    },
    {
      field: 'label',
      where: 'POST /api/rooms/:id/links',
      send: (bad) => api(url(), `/api/rooms/${room.room.id}/links`, { token: room.tokens.interviewer, body: { role: 'interviewer', label: bad } }),
      stored: async () => (await linkCount()) !== 3,
    },
    {
      field: 'questionId',
      where: 'POST /api/rooms/:id/rounds',
      send: (bad) => api(url(), `/api/rooms/${room.room.id}/rounds`, { token: room.tokens.interviewer, body: { questionId: bad } }),
      stored: async () => (await api(url(), `/api/rooms/${room.room.id}`, { token: room.tokens.interviewer })).body.room.round !== 1,
    },
    rubricInput('feedback', (bad) => ({ feedback: bad })),
    rubricInput('name', (bad) => ({ name: bad })),
    rubricInput('steps.clarify.evidence', (bad) => ({ steps: { clarify: { score: 3, evidence: bad } } })),
    rubricInput('steps.clarify.links.0.label', (bad) => ({ steps: { clarify: { links: [{ type: 'node', nodeId: 'n1', label: bad }] } } })),
    rubricInput('steps.clarify.links.0.nodeId', (bad) => ({ steps: { clarify: { links: [{ type: 'node', nodeId: bad }] } } })),
  ]

  beforeAll(async () => {
    room = await createRoom(url())
    const made = await api(url(), '/api/kits', { body: kitBody('the kit to edit') })
    expect(made.status).toBe(201)
    kit = { id: made.body.kit.id, editToken: made.body.editToken }
  })

  const expectRefused = (res: Reply, field: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body).toEqual({ error: { code: 'invalid', message: expect.any(String) } })
    expect(res.body.error.message.startsWith(`${field}: `), res.body.error.message).toBe(true)
    expect(res.body.error.message).toMatch(/NUL|surrogate/)
  }

  for (const input of inputs) {
    for (const bad of BAD) {
      it(`refuses ${bad.what} in ${input.field} of ${input.where} and stores nothing`, async () => {
        const marker = nextMarker()
        expectRefused(await input.send(bad.text, marker), input.field)
        expect(await input.stored(marker)).toBe(false)
      })
    }
  }

  it('still stores the same fields with ordinary text, emoji included (the check refuses only what cannot be stored)', async () => {
    const marker = nextMarker()
    const made = await api(url(), '/api/rooms', { body: { title: `${marker} 🚀 ünïcode` } })
    expect(made.status).toBe(201)
    expect(made.body.room.title).toBe(`${marker} 🚀 ünïcode`)
    const madeKit = await api(url(), '/api/kits', { body: kitBody(marker, (b) => (b.steps[0].prompts[0] = 'tabs\tand\nnewlines 🧪')) })
    expect(madeKit.status).toBe(201)
    expect(madeKit.body.kit.steps[0].prompts[0]).toBe('tabs\tand\nnewlines 🧪')
    const other = await createRoom(url())
    const saved = await api(url(), `/api/rooms/${other.room.id}/rubrics/mine`, { token: other.tokens.interviewer, method: 'PUT', body: { feedback: 'good 👍', name: 'Zoë 🦊' } })
    expect(saved.status).toBe(200)
    expect(saved.body.rubric).toMatchObject({ feedback: 'good 👍', interviewerName: 'Zoë 🦊' })
  })

  describe('ids in the path', () => {
    // A path is percent-decoded as UTF-8, which never yields a lone surrogate (%ED%A0%80 is left
    // as written): NUL is the one character a path can bring that no database column takes.
    const paths = () => [
      { field: 'id', method: 'GET', path: '/api/kits/a%00b' },
      { field: 'id', method: 'PUT', path: '/api/kits/a%00b', body: kitBody('path') },
      { field: 'id', method: 'GET', path: '/api/rooms/a%00b' },
      { field: 'id', method: 'GET', path: '/api/rooms/a%00b/links' },
      { field: 'id', method: 'GET', path: '/api/rooms/a%00b/rubrics' },
      { field: 'id', method: 'GET', path: '/api/rooms/a%00b/report' },
      { field: 'id', method: 'GET', path: '/api/rooms/a%00b/replay' },
      { field: 'linkId', method: 'DELETE', path: `/api/rooms/${room.room.id}/links/a%00b` },
    ]

    it('refuses a NUL in a kit id, a room id or a link id with a 400 naming the parameter', async () => {
      for (const p of paths()) {
        const res = await api(url(), p.path, { method: p.method, token: room.tokens.interviewer, ...(p.body ? { body: p.body } : {}) })
        expectRefused(res, p.field)
      }
      expect(await linkCount()).toBe(3)
    })

    it('answers a percent-encoded lone surrogate in a kit id as an unknown kit, never a 500', async () => {
      for (const bytes of ['%ED%A0%80', '%ED%B0%80']) {
        const res = await api(url(), `/api/kits/a${bytes}b`)
        expect(res.status).toBe(404)
        expect(res.body.error.code).toBe('not_found')
      }
    })
  })

  describe('the name a socket.io client joins with', () => {
    // A display name is shown, not refused: a refused connection would read as a bad invite link.
    // The characters no column can hold become U+FFFD; the rest of the name is kept.
    it('joins with a name holding a NUL or a lone surrogate, shown with U+FFFD in their place', async () => {
      for (const bad of BAD) {
        const { socket, state } = await connectSocket(url(), room.tokens.candidate, `Ada ${bad.text}`)
        cleanup.push(() => socket.disconnect())
        expect(state.you.name).toBe('Ada before\ufffdafter')
        expect(state.participants.find((p) => p.id === state.you.id)?.name).toBe(state.you.name)
        socket.disconnect()
      }
    })
  })
})
