import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { kits } from '../../server/db/schema.js'
import { api, createRoom } from '../helpers/clients.js'
import { dbKind, startTestServer, type TestServer } from '../helpers/server.js'

/** A valid custom kit body; `title` carries a marker so a refused create is provably absent. */
function kitBody(title: string, keys: string[] = ['scope', 'design', 'tradeoffs'], extra: { minutes?: number; prompt?: string } = {}) {
  return {
    title,
    description: 'A short loop for infrastructure-heavy ML roles.',
    steps: keys.map((key) => ({
      key,
      title: `Step ${key}`,
      minutes: extra.minutes ?? 10,
      prompts: [extra.prompt ?? `Walk through ${key}.`],
      hints: [`Probe ${key} further.`],
      anchors: { mid: `mid ${key}`, senior: `senior ${key}`, staff: `staff ${key}` },
    })),
  }
}

describe(`custom kits over HTTP (${dbKind})`, () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    // `details` is there only where a client can act on it (what a rubric submit still misses).
    const { details, ...error } = res.body.error
    expect({ error }).toEqual({ error: { code, message: expect.any(String) } })
    if (details !== undefined) expect(details).toEqual({ missing: expect.any(Array) })
  }

  const createKit = async (title: string, keys?: string[]) => {
    const res = await api(server.url, '/api/kits', { body: kitBody(title, keys) })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { kit: { id: string; version: number; steps: Array<{ key: string }> }; editToken: string }
  }
  const putKit = (id: string, body: unknown, token?: string) => api(server.url, `/api/kits/${id}`, { method: 'PUT', body, ...(token ? { token } : {}) })
  const kitRowsTitled = async (marker: string) => (await server.deps.db.select().from(kits)).filter((r) => r.kit.title.startsWith(marker))

  describe('creating a kit', () => {
    it('stores it as version 1 with a readable id, and hands back an edit token once', async () => {
      const res = await api(server.url, '/api/kits', { body: kitBody('Infra ML loop') })
      expect(res.status).toBe(201)
      expect(res.body.kit).toEqual({ ...kitBody('Infra ML loop'), id: expect.stringMatching(/^infra-ml-loop-[a-z0-9]+$/), version: 1, builtIn: false })
      expect(res.body.editToken).toEqual(expect.any(String))
      expect(res.body.editToken.length).toBeGreaterThan(20)
      // The token is never shown again.
      expect(JSON.stringify((await api(server.url, `/api/kits/${res.body.kit.id}`)).body)).not.toContain(res.body.editToken)
      expect(JSON.stringify((await api(server.url, '/api/kits')).body)).not.toContain(res.body.editToken)
    })

    it('fills in optional hints and description', async () => {
      const body = kitBody('Bare kit')
      const bare = { title: body.title, steps: body.steps.map(({ hints: _h, ...s }) => s) }
      const res = await api(server.url, '/api/kits', { body: bare })
      expect(res.status).toBe(201)
      expect(res.body.kit.description).toBe('')
      for (const step of res.body.kit.steps) expect(step.hints).toEqual([])
    })

    it('refuses duplicate step keys, no steps, bad key slugs, extra fields and malformed JSON with 400, storing nothing', async () => {
      const marker = 'REFUSED-KIT'
      const good = kitBody(marker)
      const withStep = (patch: Record<string, unknown>) => ({ ...good, steps: [{ ...good.steps[0]!, ...patch }, ...good.steps.slice(1)] })
      const bodies: Array<[string, unknown]> = [
        ['duplicate keys', kitBody(marker, ['scope', 'design', 'scope'])],
        ['no steps', { ...good, steps: [] }],
        ['steps missing', { title: marker }],
        ['capital letters', kitBody(marker, ['Scope'])],
        ['starts with a digit', kitBody(marker, ['1scope'])],
        ['a space', kitBody(marker, ['sco pe'])],
        ['an underscore', kitBody(marker, ['sco_pe'])],
        ['too long', kitBody(marker, ['s'.repeat(33)])],
        ['empty key', kitBody(marker, [''])],
        ['top-level id', { ...good, id: 'my-own-id' }],
        ['top-level version', { ...good, version: 7 }],
        ['top-level builtIn', { ...good, builtIn: true }],
        ['extra field in a step', withStep({ hint: 'typo for hints' })],
        ['extra field in the anchors', withStep({ anchors: { mid: 'm', senior: 's', staff: 'x', principal: 'p' } })],
        ['zero minutes', withStep({ minutes: 0 })],
        ['no prompts', withStep({ prompts: [] })],
        ['an anchor missing', withStep({ anchors: { mid: 'm', senior: 's' } })],
        ['empty title', { ...good, title: '   ' }],
        ['21 steps', kitBody(marker, Array.from({ length: 21 }, (_, i) => `s${i}`))],
      ]
      for (const [what, body] of bodies) {
        const res = await api(server.url, '/api/kits', { body })
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400)
        expect(res.body.error.code).toBe('invalid')
      }
      for (const raw of ['{"title":', 'kit', '', '[]', 'null']) expectError(await api(server.url, '/api/kits', { rawBody: raw }), 400, 'invalid')
      expect(await kitRowsTitled(marker)).toEqual([])
      expect(JSON.stringify((await api(server.url, '/api/kits')).body)).not.toContain(marker)
    })
  })

  describe('reading kits', () => {
    it('lists the built-in kit and the custom ones, each at its latest version', async () => {
      const { kit, editToken } = await createKit('Listed kit')
      const list = async () => (await api(server.url, '/api/kits')).body.kits as Array<{ id: string; version: number; builtIn: boolean; minutes: number; steps: Array<{ key: string }> }>
      const first = await list()
      expect(first.find((k) => k.id === 'ml-system-design')).toMatchObject({ builtIn: true, version: 1 })
      expect(first.find((k) => k.id === kit.id)).toEqual({
        id: kit.id,
        version: 1,
        title: 'Listed kit',
        description: expect.any(String),
        builtIn: false,
        minutes: 30,
        steps: [
          { key: 'scope', title: 'Step scope', minutes: 10 },
          { key: 'design', title: 'Step design', minutes: 10 },
          { key: 'tradeoffs', title: 'Step tradeoffs', minutes: 10 },
        ],
      })
      expect((await putKit(kit.id, kitBody('Listed kit', ['scope', 'design']), editToken)).status).toBe(200)
      const second = (await list()).filter((k) => k.id === kit.id)
      expect(second).toHaveLength(1)
      expect(second[0]).toMatchObject({ version: 2, minutes: 20 })
    })

    it('gets a kit by id, at its latest version or at the one asked for', async () => {
      const { kit, editToken } = await createKit('Versioned kit')
      const v1 = await api(server.url, `/api/kits/${kit.id}`, { token: editToken })
      expect(v1.status).toBe(200)
      expect(v1.body.kit).toEqual(kit)
      expect(await putKit(kit.id, kitBody('Versioned kit v2', ['scope', 'serving']), editToken)).toMatchObject({ status: 200, body: { kit: { version: 2 } } })

      expect((await api(server.url, `/api/kits/${kit.id}`)).body.kit).toMatchObject({ version: 2, title: 'Versioned kit v2' })
      expect((await api(server.url, `/api/kits/${kit.id}?version=1`, { token: editToken })).body.kit).toEqual(kit)
      expect((await api(server.url, `/api/kits/${kit.id}?version=2`)).body.kit.steps.map((s: { key: string }) => s.key)).toEqual(['scope', 'serving'])
      expectError(await api(server.url, `/api/kits/${kit.id}?version=3`), 404, 'not_found')
      for (const bad of ['0', '-1', 'one', '1.5', '1.0', '', '1e0', '0x1', '+1', '%201', '2147483648']) expectError(await api(server.url, `/api/kits/${kit.id}?version=${bad}`), 400, 'invalid')
      expect((await api(server.url, '/api/kits/ml-system-design?version=1')).status).toBe(200)
      expectError(await api(server.url, '/api/kits/ml-system-design?version=2'), 404, 'not_found')
      expectError(await api(server.url, '/api/kits/no-such-kit'), 404, 'not_found')
    })
  })

  it("shows a custom kit's hints and anchors only to the holder of its edit token", async () => {
    const { kit, editToken } = await createKit('Secret rubric kit')
    const other = await createKit('Another kit')
    for (const token of [undefined, other.editToken, 'kit.AAAA']) {
      const res = await api(server.url, `/api/kits/${kit.id}`, token ? { token } : {})
      expect(res.status).toBe(200)
      expect(res.body.kit.steps.map((s: { key: string }) => s.key)).toEqual(kit.steps.map((s) => s.key))
      for (const step of res.body.kit.steps) {
        expect(step).not.toHaveProperty('hints')
        expect(step).not.toHaveProperty('anchors')
      }
    }
    expect((await api(server.url, `/api/kits/${kit.id}`, { token: editToken })).body.kit).toEqual(kit)
    // The built-in kit ships with Stepwise: nothing in it is secret.
    expect((await api(server.url, '/api/kits/ml-system-design')).body.kit.steps[0]).toHaveProperty('anchors')
  })

  describe('editing a kit', () => {
    it('needs the edit token: none or a wrong one gets 401 and no new version', async () => {
      const { kit, editToken } = await createKit('Guarded kit')
      const other = await createKit('Someone else kit')
      const room = await createRoom(server.url)
      const v2 = kitBody('Guarded kit v2')
      expectError(await putKit(kit.id, v2), 401, 'unauthorized')
      for (const wrong of [other.editToken, room.tokens.interviewer, 'kit.AAAA', editToken.slice(0, -2), `${editToken}x`]) {
        expectError(await putKit(kit.id, v2, wrong), 401, 'unauthorized')
      }
      expectError(await api(server.url, `/api/kits/${kit.id}`, { method: 'PUT', rawBody: JSON.stringify(v2) }), 401, 'unauthorized')
      expect((await api(server.url, `/api/kits/${kit.id}`, { token: editToken })).body.kit).toEqual(kit)
      expect((await server.deps.db.select().from(kits).where(eq(kits.id, kit.id))).length).toBe(1)

      const ok = await putKit(kit.id, v2, editToken)
      expect(ok.status).toBe(200)
      expect(ok.body.kit).toEqual({ ...v2, id: kit.id, version: 2, builtIn: false })
      // Each edit is a new version; the token keeps working.
      expect((await putKit(kit.id, kitBody('Guarded kit v3'), editToken)).body.kit.version).toBe(3)
    })

    it('validates an edit like a create (400, no new version), and 404s an unknown kit', async () => {
      const { kit, editToken } = await createKit('Strict kit')
      expectError(await putKit(kit.id, kitBody('Strict kit', ['a', 'a']), editToken), 400, 'invalid')
      expectError(await putKit(kit.id, { ...kitBody('Strict kit'), version: 9 }, editToken), 400, 'invalid')
      expectError(await api(server.url, `/api/kits/${kit.id}`, { method: 'PUT', token: editToken, rawBody: '{oops' }), 400, 'invalid')
      expect((await api(server.url, `/api/kits/${kit.id}`)).body.kit.version).toBe(1)
      expectError(await putKit('no-such-kit', kitBody('x'), editToken), 404, 'not_found')
    })

    it('refuses to change the built-in kit with 403, whatever the token', async () => {
      const { editToken } = await createKit('Any kit')
      const room = await createRoom(server.url)
      for (const token of [undefined, editToken, room.tokens.interviewer]) {
        expectError(await putKit('ml-system-design', kitBody('Hijacked'), token), 403, 'forbidden')
      }
      const builtIn = (await api(server.url, '/api/kits/ml-system-design')).body.kit
      expect(builtIn).toMatchObject({ version: 1, builtIn: true })
      expect(builtIn.title).not.toBe('Hijacked')
    })
  })

  describe('rooms and kit versions', () => {
    it('a room keeps the kit version it was made with; a room made after an edit gets the new one', async () => {
      const { kit, editToken } = await createKit('Pinned kit', ['scope', 'design', 'tradeoffs'])
      const before = await createRoom(server.url, { kitId: kit.id })
      expect(before.room).toMatchObject({ kitId: kit.id, kitVersion: 1 })

      const v2 = kitBody('Pinned kit v2', ['scope', 'serving'], { minutes: 15, prompt: 'Version two prompt.' })
      expect((await putKit(kit.id, v2, editToken)).status).toBe(200)
      const after = await createRoom(server.url, { kitId: kit.id })
      expect(after.room).toMatchObject({ kitId: kit.id, kitVersion: 2 })

      const old = (await api(server.url, `/api/rooms/${before.room.id}`, { token: before.tokens.interviewer })).body
      expect(old.kit).toEqual(kit)
      expect(old.room.kitVersion).toBe(1)
      expect(old.timer.steps.map((s: { key: string; plannedMs: number }) => [s.key, s.plannedMs])).toEqual([
        ['scope', 600_000],
        ['design', 600_000],
        ['tradeoffs', 600_000],
      ])
      const fresh = (await api(server.url, `/api/rooms/${after.room.id}`, { token: after.tokens.interviewer })).body
      expect(fresh.kit).toEqual({ ...v2, id: kit.id, version: 2, builtIn: false })
      expect(fresh.timer.steps.map((s: { key: string; plannedMs: number }) => [s.key, s.plannedMs])).toEqual([
        ['scope', 900_000],
        ['serving', 900_000],
      ])
      // The candidate's view of a custom kit loses the hints and anchors, as with the built-in one.
      const candidate = (await api(server.url, `/api/rooms/${after.room.id}`, { token: after.tokens.candidate })).body
      for (const step of candidate.kit.steps) expect(Object.keys(step).sort()).toEqual(['key', 'minutes', 'prompts', 'title'])
    })

    it("takes rubric step keys from the room's kit: a custom kit's keys are accepted, the built-in ones refused", async () => {
      const { kit, editToken } = await createKit('Rubric kit', ['scope', 'design', 'tradeoffs'])
      const created = await createRoom(server.url, { kitId: kit.id })
      const token = created.tokens.interviewer
      const put = (body: unknown) => api(server.url, `/api/rooms/${created.room.id}/rubrics/mine`, { token, method: 'PUT', body })

      const empty = await api(server.url, `/api/rooms/${created.room.id}/rubrics`, { token })
      expect(Object.keys(empty.body.mine.steps).sort()).toEqual(['design', 'scope', 'tradeoffs'])
      expectError(await put({ steps: { clarify: { score: 3 } } }), 400, 'invalid')
      expectError(await put({ steps: { scope: { score: 3, links: [{ type: 'moment', at: 1, stepKey: 'evaluate' }] } } }), 400, 'invalid')
      const ok = await put({ steps: { scope: { score: 3, links: [{ type: 'moment', at: 1, stepKey: 'design' }] }, design: { score: 4 }, tradeoffs: { score: 'no_signal' } }, recommendation: 'hire', level: 'senior' })
      expect(ok.status, JSON.stringify(ok.body)).toBe(200)
      expect(Object.keys(ok.body.rubric.steps).sort()).toEqual(['design', 'scope', 'tradeoffs'])
      // Complete for this kit: submit needs no built-in step.
      expect((await api(server.url, `/api/rooms/${created.room.id}/rubrics/mine/submit`, { token, method: 'POST', body: {} })).status).toBe(200)

      // A room made after an edit follows the new version: serving is a step there, tradeoffs is not.
      expect((await putKit(kit.id, kitBody('Rubric kit v2', ['scope', 'serving']), editToken)).status).toBe(200)
      const newer = await createRoom(server.url, { kitId: kit.id })
      const newerPut = (body: unknown) => api(server.url, `/api/rooms/${newer.room.id}/rubrics/mine`, { token: newer.tokens.interviewer, method: 'PUT', body })
      expectError(await newerPut({ steps: { tradeoffs: { score: 2 } } }), 400, 'invalid')
      expect((await newerPut({ steps: { serving: { score: 2 } } })).status).toBe(200)
      // And a built-in room takes only the built-in keys.
      const builtIn = await createRoom(server.url, { kitId: 'ml-system-design' })
      const builtInPut = (body: unknown) => api(server.url, `/api/rooms/${builtIn.room.id}/rubrics/mine`, { token: builtIn.tokens.interviewer, method: 'PUT', body })
      expectError(await builtInPut({ steps: { scope: { score: 2 } } }), 400, 'invalid')
      expect((await builtInPut({ steps: { clarify: { score: 2 } } })).status).toBe(200)
    })

    it('a room row references its kit by id and version and holds no copy of it; the room still reports that kit', async () => {
      const { kit, editToken } = await createKit('Referenced kit', ['scope', 'design'])
      const custom = await createRoom(server.url, { kitId: kit.id })
      const builtIn = await createRoom(server.url)
      expect((await putKit(kit.id, kitBody('Referenced kit v2', ['scope', 'serving']), editToken)).status).toBe(200)
      for (const [created, kitId, full] of [
        [custom, kit.id, (await api(server.url, `/api/kits/${kit.id}?version=1`, { token: editToken })).body.kit],
        [builtIn, 'ml-system-design', (await api(server.url, '/api/kits/ml-system-design')).body.kit],
      ] as const) {
        // The whole row as the database holds it: its columns, and its size on disk.
        const result: any = await server.deps.db.execute(sql`select to_jsonb(r) as "row", pg_column_size(r.*) as "bytes" from rooms r where r.id = ${created.room.id}`)
        const [stored] = Array.isArray(result) ? result : result.rows
        expect(stored.row).not.toHaveProperty('kit')
        expect(stored.row).toMatchObject({ kit_id: kitId, kit_version: 1 })
        // The built-in kit alone was 8.5 kB in every row; what is left is the title, the timer and a few ids.
        expect(Number(stored.bytes)).toBeLessThan(1024)
        const room = (await api(server.url, `/api/rooms/${created.room.id}`, { token: created.tokens.interviewer })).body
        expect(room.room).toMatchObject({ kitId, kitVersion: 1 })
        expect(room.kit).toEqual(full)
      }
    })

    it('a room made with version 1 still takes version 1 rubric keys after the kit changes', async () => {
      const { kit, editToken } = await createKit('Sticky kit', ['scope', 'design', 'tradeoffs'])
      const created = await createRoom(server.url, { kitId: kit.id })
      expect((await putKit(kit.id, kitBody('Sticky kit v2', ['scope', 'serving']), editToken)).status).toBe(200)
      const put = (body: unknown) => api(server.url, `/api/rooms/${created.room.id}/rubrics/mine`, { token: created.tokens.interviewer, method: 'PUT', body })
      expect((await put({ steps: { tradeoffs: { score: 2 } } })).status).toBe(200)
      expectError(await put({ steps: { serving: { score: 2 } } }), 400, 'invalid')
      const missing = await api(server.url, `/api/rooms/${created.room.id}/rubrics/mine/submit`, { token: created.tokens.interviewer, method: 'POST', body: {} })
      expectError(missing, 400, 'invalid')
      expect(missing.body.error.message).toContain('"scope"')
      expect(missing.body.error.message).toContain('"design"')
      expect(missing.body.error.message).not.toContain('"serving"')
    })
  })
})
