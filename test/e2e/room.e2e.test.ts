import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { api, connectY } from '../helpers/clients.js'
import { startTestServer } from '../helpers/server.js'
import { join, live, newPerson, nodeLabels, screenshot, serverAndBrowser, sharedNotes, skipBrowserTests, until } from './browser.js'

type Links = Record<'interviewer' | 'candidate' | 'observer', string>

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
}

/** A node's x on the canvas (flow coordinates), as Svelte Flow places it. */
const flowX = async (node: Locator) => Number((await node.evaluate((el) => (el as HTMLElement).style.transform)).match(/translate\(([-\d.]+)px/)?.[1])

const edgeLabels = (page: Page) => page.locator('.edge-label').allInnerTexts()

/** Drags a connection from one node's right handle to another node's left handle. */
async function connectNodes(page: Page, from: string, to: string): Promise<void> {
  const source = page.locator(`.svelte-flow__handle[data-nodeid="${from}"][data-handlepos="right"]`)
  const target = page.locator(`.svelte-flow__handle[data-nodeid="${to}"][data-handlepos="left"]`)
  await page.locator(`.svelte-flow__node[data-id="${from}"]`).hover()
  const a = (await source.boundingBox())!
  const b = (await target.boundingBox())!
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
  await page.mouse.down()
  await page.mouse.move(a.x + 40, a.y + 10, { steps: 5 })
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 })
  await page.mouse.up()
}

describe.skipIf(skipBrowserTests)('the web client in Chromium', () => {
  const env = serverAndBrowser()
  let links: Links
  let tokens: Links
  let roomId: string
  const pages: Record<string, { page: Page; errors: string[] }> = {}

  it('creates a room from the landing page and shows the three invite links', async () => {
    const { page, errors } = await newPerson(env.browser)
    pages.host = { page, errors }
    await page.goto(env.server.url + '/')
    await page.locator('#question option[value="video-recommendation"]').waitFor({ state: 'attached' })
    await screenshot(page, '01-landing')
    await page.locator('#question').selectOption('video-recommendation')
    await page.getByText('Staff', { exact: true }).click()
    await page.getByText('Hiring panel').click()
    await page.locator('#title').fill('Loop 7 · ML platform')
    await page.getByRole('button', { name: 'Create room' }).click()
    await page.getByRole('heading', { name: /Room ready/ }).waitFor()
    await screenshot(page, '02-invite-links')
    const read = async (role: keyof Links) => page.locator(`[data-testid=invite-link][data-role=${role}] input`).inputValue()
    links = { interviewer: await read('interviewer'), candidate: await read('candidate'), observer: await read('observer') }
    for (const link of Object.values(links)) expect(link).toMatch(new RegExp(`^${env.server.url}/r/[A-Za-z0-9_-]+#token=.+`))
    roomId = new URL(links.candidate).pathname.split('/')[2]!
    tokens = Object.fromEntries(Object.entries(links).map(([r, l]) => [r, new URL(l).hash.replace('#token=', '')])) as Links
    const info = await api(env.server.url, `/api/rooms/${roomId}`, { token: tokens.interviewer })
    expect(info.body.room).toMatchObject({ title: 'Loop 7 · ML platform', level: 'staff', mode: 'panel', questionId: 'video-recommendation' })
    expect(new URL((await page.getByRole('link', { name: /Open as interviewer/ }).getAttribute('href'))!, env.server.url).toString()).toBe(links.interviewer)
    // The links live at an address of their own: a reload shows them again.
    expect(new URL(page.url()).pathname).toBe(`/r/${roomId}/ready`)
    await page.reload()
    await page.getByRole('heading', { name: /Room ready: Loop 7/ }).waitFor()
    expect(await read('candidate')).toBe(links.candidate)
    expect(await page.getByTestId('panel-seats-note').innerText()).toMatch(/One interviewer link per panelist/)
  })

  it("shows the interviewer what the candidate draws and writes: a node, a connection and a note", async () => {
    const interviewer = await newPerson(env.browser)
    const candidate = await newPerson(env.browser)
    pages.interviewer = interviewer
    pages.candidate = candidate
    await interviewer.page.goto(links.interviewer)
    await interviewer.page.locator('#display-name').waitFor()
    await screenshot(interviewer.page, '03-join')
    await join(interviewer.page, links.interviewer, 'Ivy Chen')
    await join(candidate.page, links.candidate, 'Cam Rivera')
    const c = candidate.page

    await c.locator('[data-part="client"]').click()
    await c.locator('.svelte-flow__node').first().waitFor()
    await c.locator('.svelte-flow__node').first().dblclick()
    await c.locator('input.edit').fill('Mobile app')
    await c.keyboard.press('Enter')
    await c.locator('[data-part="model-server"]').click()
    await until(async () => (await c.locator('.svelte-flow__node').count()) === 2, 'two nodes')
    // Spread them so the connection is easy to see and to drag.
    const ids = await c.locator('.svelte-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!))
    const [appId, serverId] = (await c.locator('.svelte-flow__node .label').allInnerTexts())[0] === 'Mobile app' ? ids : [ids[1]!, ids[0]!]
    const serverNode = c.locator(`.svelte-flow__node[data-id="${serverId}"]`)
    const box = (await serverNode.boundingBox())!
    // A slow drag, watched by a plain Yjs client (what the log stores) and by the interviewer.
    const probe = connectY(env.server.url, roomId, tokens.observer)
    await probe.synced
    let docWrites = 0
    probe.doc.on('update', () => docWrites++)
    const theirNode = interviewer.page.locator(`.svelte-flow__node[data-id="${serverId}"]`)
    const startX = await flowX(theirNode)
    const liveX = () => [...probe.provider.awareness.getStates().values()].map((st) => (st.moving as Record<string, { x: number }> | null)?.[serverId!]?.x).find((x) => x !== undefined)
    await c.mouse.move(box.x + 20, box.y + box.height / 2)
    await c.mouse.down()
    const dragStarted = Date.now()
    for (let i = 1; i <= 30; i++) {
      await c.mouse.move(box.x + 20 + i * 8, box.y + box.height / 2 + i * 4)
      await c.waitForTimeout(1000 / 30)
    }
    // Mid-drag: the gesture is in the candidate's awareness, and the interviewer sees the node
    // where the candidate holds it.
    const held = await flowX(serverNode)
    expect(held).toBeGreaterThan(startX + 100)
    await until(async () => liveX() === held, 'the live position in awareness')
    await until(async () => (await flowX(theirNode)) === held, 'the drag live at the interviewer')
    await screenshot(interviewer.page, '03b-drag-live-at-interviewer')
    await c.mouse.up()
    const dragMs = Date.now() - dragStarted
    const stored = () => (probe.doc.getMap('nodes').get(serverId!) as Y.Map<number>).get('x')
    // The doc ends where the node was dropped; in between it got a few writes a second, not one a frame.
    await until(async () => stored() === (await flowX(serverNode)), 'the drop position in the doc')
    await until(async () => liveX() === undefined, 'the live preview withdrawn after the drop')
    expect(docWrites).toBeLessThanOrEqual(Math.ceil(dragMs / 250) + 2)
    probe.destroy()
    await connectNodes(c, appId!, serverId!)
    await c.locator('input.edge-edit').waitFor()
    await c.keyboard.type('ranked videos')
    await c.keyboard.press('Enter')

    // Undo takes back this person's own last change, everywhere.
    await c.locator('[data-part="cache"]').click()
    await until(async () => (await nodeLabels(interviewer.page)).includes('Cache'), 'the cache at the interviewer')
    await c.keyboard.press('Control+z')
    await until(async () => !(await nodeLabels(interviewer.page)).includes('Cache'), 'the undone cache gone at the interviewer')

    await c.locator('[data-testid=shared-notes] .cm-content').click()
    await c.keyboard.type('Goal: watch time. 200M DAU, p99 < 200 ms.')
    await screenshot(c, '04-candidate-room')
    // The candidate's pointer on the canvas shows at the interviewer, with their name.
    const pane = (await c.locator('.svelte-flow__pane').boundingBox())!
    await c.mouse.move(pane.x + pane.width * 0.55, pane.y + 120, { steps: 4 })

    const i = interviewer.page
    await until(async () => (await nodeLabels(i)).sort().join('|') === 'Mobile app|Model server', 'the nodes at the interviewer')
    await until(async () => (await edgeLabels(i)).includes('ranked videos'), 'the edge label at the interviewer')
    expect(await i.locator('.svelte-flow__edge').count()).toBe(1)
    await until(async () => (await sharedNotes(i)).includes('Goal: watch time. 200M DAU, p99 < 200 ms.'), 'the note at the interviewer')
    // Presence: both people, with their roles.
    await until(async () => (await i.locator('.presence').innerText()).includes('Cam Rivera'), 'the candidate in presence')
    expect(await i.locator('.presence').innerText()).toContain('Candidate')
    // Hints are for the interviewer only.
    expect(await i.locator('[data-testid=hints]').count()).toBe(1)
    expect(await c.locator('[data-testid=hints]').count()).toBe(0)
    await i.locator('[data-testid=private-notes] .cm-content').click()
    await i.keyboard.type('Strong on requirements; asked about cold start unprompted.')
    await i.locator('.cursor', { hasText: 'Cam Rivera' }).waitFor()
    await screenshot(i, '05-interviewer-room')
  })

  it("moves the candidate's screen with the interviewer's timer", async () => {
    const i = pages.interviewer!.page
    const c = pages.candidate!.page
    expect(await c.getByRole('button', { name: 'Start' }).count()).toBe(0)
    await i.getByRole('button', { name: 'Start' }).click()
    await until(async () => (await c.locator('.timer .status').innerText()) === 'Running', 'the candidate sees the timer running')
    // The shortcut, from outside any editor.
    await i.locator('.timer').click({ position: { x: 5, y: 5 } })
    await i.keyboard.press('Alt+ArrowRight')
    await until(async () => (await c.locator('[data-testid=current-step]').innerText()) === 'Frame the problem as an ML task', 'the candidate follows to step 2')
    await until(async () => (await c.locator('#notes-title').innerText()).includes('Frame the problem'), "the candidate's notes follow")
    const clock = await c.locator('[data-testid=step-clock]').innerText()
    expect(clock).toMatch(/^[45]:\d\d$/)
    await screenshot(c, '06-candidate-step-2')
    await screenshot(i, '07-interviewer-step-2')
  })

  it("changes nothing when the observer tries to edit", async () => {
    const observer = await newPerson(env.browser)
    pages.observer = observer
    const o = observer.page
    await join(o, links.observer, 'Olu Observer')
    await until(async () => (await nodeLabels(o)).length === 2, 'the observer sees the board')
    const probe = connectY(env.server.url, roomId, tokens.candidate)
    await probe.synced
    const snapshot = () => JSON.stringify({ nodes: probe.doc.getMap('nodes').toJSON(), edges: probe.doc.getMap('edges').toJSON(), notes: probe.doc.getText('notes:clarify').toString(), frame: probe.doc.getText('notes:frame').toString() })
    const before = snapshot()
    await screenshot(o, '08-observer-joined')

    expect(await o.locator('[data-part]').count()).toBe(0)
    expect(await o.getByRole('button', { name: /Start|Pause|Next step/ }).count()).toBe(0)
    const node = o.locator('.svelte-flow__node').first()
    const box = (await node.boundingBox())!
    await o.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await o.mouse.down()
    await o.mouse.move(box.x + 300, box.y + 200, { steps: 8 })
    await o.mouse.up()
    await node.dblclick()
    expect(await o.locator('input.edit').count()).toBe(0)
    await node.click()
    await o.keyboard.press('Delete')
    await o.keyboard.press('Backspace')
    await o.keyboard.press('Control+z')
    await o.keyboard.press('Alt+ArrowRight')
    const editor = o.locator('[data-testid=shared-notes] .cm-content')
    expect(await editor.getAttribute('contenteditable')).toBe('false')
    await editor.click()
    await o.keyboard.type('observer was here')
    await screenshot(o, '08-observer-after-attempts')

    await new Promise((r) => setTimeout(r, 1000))
    expect(snapshot()).toBe(before)
    expect(await nodeLabels(o)).toHaveLength(2)
    expect(await sharedNotes(pages.candidate!.page)).not.toContain('observer was here')
    expect(await pages.candidate!.page.locator('[data-testid=current-step]').innerText()).toBe('Frame the problem as an ML task')
    probe.destroy()
  })

  it('keeps everything after a reload', async () => {
    const c = pages.candidate!.page
    const i = pages.interviewer!.page
    await c.reload()
    await live(c)
    await until(async () => (await nodeLabels(c)).sort().join('|') === 'Mobile app|Model server', 'nodes after reload')
    expect(await edgeLabels(c)).toContain('ranked videos')
    expect(await c.locator('[data-testid=current-step]').innerText()).toBe('Frame the problem as an ML task')
    await c.locator('nav[aria-label="Interview steps"] button', { hasText: 'Clarify requirements' }).click()
    await until(async () => (await sharedNotes(c)).includes('Goal: watch time.'), 'the step 1 note after reload')
    await screenshot(c, '09-candidate-after-reload')

    await i.reload()
    await live(i)
    await i.locator('nav[aria-label="Interview steps"] button', { hasText: 'Clarify requirements' }).click()
    await until(async () => (await i.locator('[data-testid=private-notes] .cm-content').innerText()).includes('cold start unprompted'), 'private notes after reload')
  })

  it('exports the canvas as SVG and PNG', async () => {
    const c = pages.candidate!.page
    const [svg] = await Promise.all([c.waitForEvent('download'), c.getByRole('button', { name: 'SVG' }).click()])
    expect(svg.suggestedFilename()).toBe(`stepwise-${roomId}-canvas.svg`)
    const svgText = await readStream(await svg.createReadStream())
    expect(svgText.toString('utf8')).toContain('>Mobile app</text>')
    expect(svgText.toString('utf8')).toContain('>ranked videos</text>')
    const [png] = await Promise.all([c.waitForEvent('download'), c.getByRole('button', { name: 'PNG' }).click()])
    expect(png.suggestedFilename()).toBe(`stepwise-${roomId}-canvas.png`)
    const pngBytes = await readStream(await png.createReadStream())
    expect(pngBytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(pngBytes.length).toBeGreaterThan(2000)
  })

  it('shows a banner while the connection is lost, and syncs what was drawn meanwhile', async () => {
    const c = pages.candidate!.page
    const i = pages.interviewer!.page
    const { port, dataDir } = env.server
    await env.server.stop({ keepData: true })
    await c.locator('[data-testid=offline-banner]').waitFor({ timeout: 15_000 })
    await c.locator('[data-part="feature-store"]').click()
    await until(async () => (await nodeLabels(c)).includes('Feature store'), 'the offline edit shows locally')
    await screenshot(c, '10-connection-lost')
    env.server = await startTestServer({ dataDir, port })
    await live(c)
    await live(i)
    await until(async () => (await nodeLabels(i)).includes('Feature store'), 'the offline edit reaches the interviewer', 30_000)
    expect(await c.locator('[data-testid=offline-banner]').count()).toBe(0)
  })

  it('tells the observer plainly when their link is revoked', async () => {
    const o = pages.observer!.page
    await live(o)
    const listed = await api(env.server.url, `/api/rooms/${roomId}/links`, { token: tokens.interviewer })
    const link = listed.body.links.find((l: { role: string }) => l.role === 'observer')
    const revoked = await api(env.server.url, `/api/rooms/${roomId}/links/${link.id}`, { token: tokens.interviewer, method: 'DELETE' })
    expect(revoked.status).toBe(200)
    await o.getByRole('heading', { name: 'This invite link was revoked' }).waitFor({ timeout: 15_000 })
    await screenshot(o, '11-revoked')
    await o.reload()
    await o.getByRole('heading', { name: 'This invite link was revoked' }).waitFor()
  })

  it('explains a bad link, a link for another room, an unknown room and an unknown page', async () => {
    const { page } = await newPerson(env.browser)
    await page.goto(`${env.server.url}/r/${roomId}#token=not-a-real-token`)
    await page.getByRole('heading', { name: 'This invite link does not work' }).waitFor()
    await screenshot(page, '12-bad-link')

    await page.goto(`${env.server.url}/r/${roomId}x`)
    await page.getByRole('heading', { name: 'This link is incomplete' }).waitFor()

    const other = await api(env.server.url, '/api/rooms', { body: {} })
    await page.goto(`${env.server.url}/r/${other.body.room.id}#token=${tokens.candidate}`)
    await page.getByRole('heading', { name: 'This link is for another room' }).waitFor()
    await screenshot(page, '13-other-room')

    const ghost = env.server.deps.tokens.sign({ roomId: 'nosuchroom', role: 'candidate', linkId: 'nolink', expiresAt: Date.now() + 60_000 })
    await page.goto(`${env.server.url}/r/nosuchroom#token=${ghost}`)
    await page.getByRole('heading', { name: 'There is no such room' }).waitFor()
    await screenshot(page, '14-unknown-room')

    await page.goto(`${env.server.url}/somewhere/else`)
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
    await screenshot(page, '15-not-found')
  })

  it('ends the interview for everyone, leaving the board read-only', async () => {
    const i = pages.interviewer!.page
    const c = pages.candidate!.page
    await i.getByRole('button', { name: 'End interview' }).click()
    await screenshot(i, '16-end-confirm')
    await i.getByRole('dialog').getByRole('button', { name: 'End interview' }).click()
    await c.getByRole('heading', { name: 'This interview has ended' }).waitFor({ timeout: 15_000 })
    await screenshot(c, '17-ended')
    expect(await c.locator('[data-testid=step-clock]').innerText()).toMatch(/^\d+:\d\d$/)
    expect(await c.locator('.timer .caption').innerText()).toBe('in total, interview over')
    await c.getByRole('button', { name: 'Review the board' }).click()
    expect(await c.locator('[data-part]').count()).toBe(0)
    expect(await c.locator('[data-testid=shared-notes] .cm-content').getAttribute('contenteditable')).toBe('false')
    await screenshot(c, '18-ended-review')
    await i.getByRole('heading', { name: 'This interview has ended' }).waitFor()
  })

  it('raised no script errors in any page', () => {
    for (const [who, { errors }] of Object.entries(pages)) expect(errors, who).toEqual([])
  })
})
