import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addNode, api, type ClientSocket, connectSocket, connectY, createRoom, type CreatedRoom, sleep, waitFor } from '../helpers/clients.js'
import { startTestServer } from '../helpers/server.js'
import { newPerson, screenshot, serverAndBrowser, skipBrowserTests } from './browser.js'

const until = <T>(check: () => T | Promise<T>, what: string, timeout = 15_000) => waitFor(check, { timeout, interval: 50, what })
const nodeLabels = async (page: Page) => (await page.locator('.svelte-flow__node .label').allInnerTexts()).sort()
const sharedNotes = (page: Page) => page.locator('[data-testid=shared-notes] .cm-content').innerText()
const STEPS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor']

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/** Types text into a shared note a few characters at a time, as a person would. */
async function type(doc: Y.Doc, name: string, text: string): Promise<void> {
  const note = doc.getText(name)
  for (let i = 0; i < text.length; i += 4) {
    note.insert(note.length, text.slice(i, i + 4))
    await sleep(15)
  }
}

describe.skipIf(skipBrowserTests)('replay and report in the browser', () => {
  const env = serverAndBrowser()
  let created: CreatedRoom
  let interviewer: { page: Page; errors: string[] }
  const errors: Record<string, string[]> = {}

  /**
   * A short interview recorded through real clients: the timer started, notes typed, parts drawn
   * a few seconds apart, the next step, more edits, the end.
   */
  async function record(): Promise<void> {
    created = await createRoom(env.server.url, { questionId: 'video-recommendation', level: 'senior', title: 'Replay practice' })
    const { tokens } = created
    const board = connectY(env.server.url, created.room.id, tokens.candidate)
    const watcher = connectY(env.server.url, created.room.id, tokens.interviewer)
    const priv = connectY(env.server.url, created.room.id, tokens.interviewer, { doc: 'private' })
    await Promise.all([board.synced, watcher.synced, priv.synced])
    const { socket } = await connectSocket(env.server.url, tokens.interviewer, 'Ivy')
    const timer = async (socket: ClientSocket, type: string) => {
      const reply = (await socket.timeout(5000).emitWithAck('timer:command', { type } as never)) as { ok: boolean }
      expect(reply.ok).toBe(true)
    }
    await timer(socket, 'start')
    await type(board.doc, 'notes:clarify', 'Goal: watch time. 200M DAU.')
    addNode(board.doc, 'app', { kind: 'client', label: 'Mobile app', x: 0, y: 0 })
    await sleep(2200)
    await timer(socket, 'next')
    await sleep(600)
    addNode(board.doc, 'ranker', { kind: 'model-server', label: 'Ranker', x: 320, y: 0 })
    board.doc.getMap('edges').set('e1', new Y.Map(Object.entries({ source: 'app', target: 'ranker', label: 'ranked videos' })))
    await type(board.doc, 'notes:frame', 'Pointwise ranking on watch time.')
    await type(priv.doc, 'private:frame', 'Clear ML objective.')
    await sleep(2200)
    addNode(board.doc, 'fs', { kind: 'feature-store', label: 'Feature store', x: 320, y: 180 })
    await sleep(400)
    await timer(socket, 'end')
    // Everything is stored before anyone replays it.
    await waitFor(() => Buffer.from(Y.encodeStateVector(board.doc)).equals(Buffer.from(Y.encodeStateVector(watcher.doc))), { what: 'edits relayed' })
    await waitFor(async () => (await api(env.server.url, `/api/rooms/${created.room.id}/report`, { token: tokens.interviewer })).body.steps?.[1]?.privateNotes === 'Clear ML objective.', {
      what: 'edits stored',
      timeout: 10_000,
    })
    socket.disconnect()
    board.destroy()
    watcher.destroy()
    priv.destroy()
  }

  beforeAll(async () => {
    await record()
    interviewer = await newPerson(env.browser)
    errors.interviewer = interviewer.errors
  })

  it('the ended room links to the replay, which opens on the finished board with the steps on the scrubber', async () => {
    const i = interviewer.page
    await i.goto(created.links.interviewer)
    await i.locator('#display-name').fill('Ivy')
    await i.getByRole('button', { name: 'Join room' }).click()
    await i.getByRole('heading', { name: 'This interview has ended' }).waitFor()
    await screenshot(i, '50-ended-with-replay-links')
    expect(await i.getByTestId('ended-replay').getAttribute('href')).toBe(`/r/${created.room.id}/replay?round=1#token=${encodeURIComponent(created.tokens.interviewer)}`)
    // The room's header links there too (in a new tab, the room stays open).
    await i.getByRole('button', { name: 'Review the board' }).click()
    expect(await i.getByTestId('replay-link').getAttribute('target')).toBe('_blank')
    await screenshot(i, '50b-room-header-links')
    await i.goto(env.server.url + (await i.getByTestId('replay-link').getAttribute('href'))!)
    await i.getByTestId('replay').waitFor()
    await until(async () => (await nodeLabels(i)).join('|') === 'Feature store|Mobile app|Ranker', 'the finished board')
    expect(i.url()).toContain(`/r/${created.room.id}/replay`)
    // The steps that ran are on the scrubber, named; the others are not.
    await expect(i.locator('[data-testid=scrubber] .seg[data-step=clarify]').innerText()).resolves.toContain('Clarify requirements')
    await expect(i.locator('[data-testid=scrubber] .seg[data-step=frame]').innerText()).resolves.toContain('Frame the problem')
    expect(await i.locator('[data-testid=scrubber] .seg[data-step=data]').count()).toBe(0)
    expect(await i.locator('.activity .bar').count()).toBeGreaterThan(2)
    // At the end: step 2's notes, shared and private, and the time used against the plan.
    await until(async () => (await sharedNotes(i)).includes('Pointwise ranking on watch time.'), 'step 2 notes')
    await until(async () => (await i.locator('[data-testid=private-notes] .cm-content').innerText()).includes('Clear ML objective.'), 'private notes')
    expect(await i.getByTestId('replay-step').innerText()).toBe('The interview is over')
    expect(await i.locator('.steps li[data-step=clarify] .times').innerText()).toMatch(/^0:0[2-4] \/ 5:00$/)
    expect(await i.locator('.steps li[data-step=data] button').isDisabled()).toBe(true)
    await screenshot(i, '51-replay-end')
  })

  it('plays from the start at 16× and the board grows part by part', async () => {
    const i = interviewer.page
    // Count the parts on every change of the canvas, in the page, so no frame is missed.
    await i.evaluate(() => {
      const w = window as unknown as { counts: number[] }
      w.counts = []
      const root = document.querySelector('.svelte-flow')!
      new MutationObserver(() => {
        const n = document.querySelectorAll('.svelte-flow__node').length
        if (w.counts.at(-1) !== n) w.counts.push(n)
      }).observe(root, { childList: true, subtree: true })
    })
    await i.getByRole('button', { name: '16×' }).click()
    await i.getByTestId('replay-play').click()
    await i.getByRole('button', { name: 'Pause' }).waitFor()
    await i.getByRole('button', { name: 'Play' }).waitFor({ timeout: 15_000 })
    const counts = await i.evaluate(() => (window as unknown as { counts: number[] }).counts)
    // From the start (at most the first part), up one part at a time, to all three.
    expect(counts[0]).toBeLessThanOrEqual(1)
    expect(counts.at(-1)).toBe(3)
    expect(counts).toContain(2)
    for (let k = 1; k < counts.length; k++) expect(counts[k]).toBeGreaterThan(counts[k - 1]!)
    expect(await nodeLabels(i)).toEqual(['Feature store', 'Mobile app', 'Ranker'])
    expect(await i.getByTestId('replay-step').innerText()).toBe('The interview is over')
  })

  it("jumps to the start of step 2: that step's state, the Ranker drawn just after it", async () => {
    const i = interviewer.page
    await i.getByRole('button', { name: /Jump to the start of step 2/ }).click()
    await until(async () => (await i.getByTestId('replay-step').innerText()) === 'Step 2 · Frame the problem as an ML task', 'step 2 at the playhead')
    await until(async () => (await i.getByTestId('replay').getAttribute('data-loading')) === 'false', 'the state of step 2 loaded')
    expect(await nodeLabels(i)).toEqual(['Mobile app'])
    expect(await sharedNotes(i)).not.toContain('Pointwise')
    await screenshot(i, '52-replay-step-2')
    // Playing on at 1× from there: the Ranker comes in less than a second later, with its notes.
    await i.getByRole('button', { name: '1×', exact: true }).click()
    // Space plays wherever focus is: on a focused speed button too, which it does not press.
    await i.getByRole('button', { name: '4×', exact: true }).focus()
    await i.keyboard.press('Space')
    expect(await i.getByRole('button', { name: '1×', exact: true }).getAttribute('aria-pressed')).toBe('true')
    await until(async () => (await nodeLabels(i)).includes('Ranker'), 'the Ranker', 5000)
    await until(async () => (await sharedNotes(i)).includes('Pointwise'), 'the step 2 notes typed')
    await i.keyboard.press('Space')
    await i.getByRole('button', { name: 'Play' }).waitFor()
    // Keys: Home goes back to the start (an empty or nearly empty board), End to the finished one.
    await i.keyboard.press('Home')
    await until(async () => (await nodeLabels(i)).length <= 1 && (await i.getByTestId('replay').getAttribute('data-loading')) === 'false', 'the start')
    await i.keyboard.press('End')
    await until(async () => (await nodeLabels(i)).length === 3, 'the end again')
    expect(await i.getByTestId('replay-time').innerText()).toMatch(/^0:0\d \/ 0:0\d$/)
  })

  it('the report shows the notes, the canvas drawing and the time per step; prints without the app; downloads Markdown', async () => {
    const i = interviewer.page
    await i.getByRole('link', { name: 'Report' }).click()
    await i.getByTestId('report').waitFor()
    expect(i.url()).toContain(`/r/${created.room.id}/report`)
    const notes = await i.getByTestId('report-notes').allInnerTexts()
    expect(notes).toEqual(['Goal: watch time. 200M DAU.', 'Pointwise ranking on watch time.'])
    expect(await i.locator('.private').innerText()).toContain('Clear ML objective.')
    const img = i.getByTestId('report-canvas')
    await until(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 300), 'the canvas drawing decoded')
    const src = decodeURIComponent((await img.getAttribute('src'))!.split(',')[1]!)
    expect(src).toContain('>Ranker</text>')
    expect(src).toContain('>ranked videos</text>')
    const rows = await i.locator('[data-testid=report-times] tbody tr').count()
    expect(rows).toBe(STEPS.length)
    expect(await i.locator('[data-testid=report-times] tr[data-step=frame] .used').innerText()).toMatch(/^0:0\d$/)
    await screenshot(i, '53-report')
    await i.screenshot({ path: `${process.env.SHOTS_DIR ?? '/tmp/shots'}/54-report-full.png`, fullPage: true })

    const [download] = await Promise.all([i.waitForEvent('download'), i.getByRole('button', { name: 'Download Markdown' }).click()])
    expect(download.suggestedFilename()).toBe('Replay-practice-round-1.md')
    const markdown = await readStream(await download.createReadStream())
    expect(markdown).toMatch(/^# Replay practice/)
    expect(markdown).toContain('Pointwise ranking on watch time.')

    await i.emulateMedia({ media: 'print' })
    expect(await i.locator('nav.toolbar').isVisible()).toBe(false)
    await screenshot(i, '55-report-print')
    await i.emulateMedia({ media: 'screen' })
  })

  it('a candidate sees "not yet" before the feedback is shared, then the board only; an observer never', async () => {
    const candidate = await newPerson(env.browser)
    errors.candidate = candidate.errors
    const c = candidate.page
    const replayOf = (token: string) => `${env.server.url}/r/${created.room.id}/replay#token=${token}`
    await c.goto(replayOf(created.tokens.candidate))
    await c.getByRole('heading', { name: 'The replay is not open to you yet' }).waitFor()
    await screenshot(c, '56-replay-candidate-not-yet')
    await c.goto(`${env.server.url}/r/${created.room.id}/report#token=${created.tokens.candidate}`)
    await c.getByRole('heading', { name: 'The report is not open to you yet' }).waitFor()

    const observer = await newPerson(env.browser)
    errors.observer = observer.errors
    await observer.page.goto(replayOf(created.tokens.observer))
    await observer.page.getByRole('heading', { name: /Observers do not see replays/ }).waitFor()
    await screenshot(observer.page, '57-replay-observer')

    // The interviewer scores, submits and shares: the replay opens to the candidate, without private notes.
    const path = `/api/rooms/${created.room.id}`
    const steps = Object.fromEntries(STEPS.map((k) => [k, { score: k === 'clarify' || k === 'frame' ? 3 : 'no_signal' }]))
    const token = created.tokens.interviewer
    expect((await api(env.server.url, `${path}/rubrics/mine`, { token, method: 'PUT', body: { steps, recommendation: 'lean_hire', level: 'senior', feedback: 'Clear framing.' } })).status).toBe(200)
    expect((await api(env.server.url, `${path}/rubrics/mine/submit`, { token, body: {} })).status).toBe(200)
    expect((await api(env.server.url, `${path}/feedback/share`, { token, body: {} })).status).toBe(200)
    await c.goto(replayOf(created.tokens.candidate))
    await c.getByTestId('replay').waitFor()
    await until(async () => (await nodeLabels(c)).length === 3, 'the board for the candidate')
    await until(async () => (await sharedNotes(c)).includes('Pointwise'), 'the notes for the candidate')
    expect(await c.locator('[data-testid=private-notes]').count()).toBe(0)
    await screenshot(c, '58-replay-candidate')
    await c.getByRole('link', { name: 'Report' }).click()
    await c.getByTestId('shared-feedback').waitFor()
    expect(await c.locator('.private').count()).toBe(0)
    await c.screenshot({ path: `${process.env.SHOTS_DIR ?? '/tmp/shots'}/59-report-candidate-full.png`, fullPage: true })
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})

describe.skipIf(skipBrowserTests)('replay of a long interview (a server clock that runs fast)', () => {
  const env = serverAndBrowser(() => startTestServer({ clock: () => now }))
  let created: CreatedRoom
  let now = Date.now()
  const errors: string[] = []
  const MIN = 60_000

  /** Forty minutes of interview: seven steps planned, six reached, a six-minute silence in step 4. */
  async function record(): Promise<void> {
    created = await createRoom(env.server.url, { questionId: 'video-recommendation', level: 'staff', title: 'Long loop' })
    const { tokens } = created
    const board = connectY(env.server.url, created.room.id, tokens.candidate)
    const watcher = connectY(env.server.url, created.room.id, tokens.interviewer)
    await Promise.all([board.synced, watcher.synced])
    const { socket } = await connectSocket(env.server.url, tokens.interviewer, 'Ivy')
    // The server stamps an edit when it receives it: the clock moves only once it has.
    const edit = async (fn: () => void, thenMs: number) => {
      fn()
      await waitFor(() => Buffer.from(Y.encodeStateVector(board.doc)).equals(Buffer.from(Y.encodeStateVector(watcher.doc))), { what: 'edit relayed' })
      now += thenMs
    }
    const timer = async (type: string) => {
      const reply = (await socket.timeout(5000).emitWithAck('timer:command', { type } as never)) as { ok: boolean }
      expect(reply.ok).toBe(true)
    }
    const write = (step: string, words: string[], gapMs: number) =>
      words.reduce<Promise<void>>((p, word) => p.then(() => edit(() => board.doc.getText(`notes:${step}`).insert(board.doc.getText(`notes:${step}`).length, word + ' '), gapMs)), Promise.resolve())
    await timer('start')
    await write('clarify', ['Engagement:', 'watch', 'time.', '200M', 'DAU,', '10B', 'videos.', 'p99', '<', '200', 'ms.'], 25_000)
    await edit(() => addNode(board.doc, 'app', { kind: 'client', label: 'Mobile app', x: 0, y: 0 }), 20_000)
    await timer('next')
    await write('frame', ['Ranking', 'problem:', 'predict', 'watch', 'time', 'per', 'video.'], 30_000)
    await timer('next')
    await edit(() => addNode(board.doc, 'log', { kind: 'stream', label: 'Event log', x: 0, y: 200 }), 60_000)
    await edit(() => addNode(board.doc, 'fs', { kind: 'feature-store', label: 'Feature store', x: 300, y: 200 }), 60_000)
    await write('data', ['Implicit', 'labels', 'from', 'watches;', 'negatives', 'sampled.'], 60_000)
    await timer('next')
    await edit(() => addNode(board.doc, 'tower', { kind: 'model-server', label: 'Two-tower', x: 600, y: 0 }), 40_000)
    // Nobody types for six minutes.
    now += 6 * MIN
    await edit(() => addNode(board.doc, 'ranker', { kind: 'model-server', label: 'Ranker', x: 600, y: 200 }), 30_000)
    await timer('next')
    await write('evaluate', ['NDCG', 'offline;', 'watch', 'time', 'and', 'retention', 'online.'], 35_000)
    await timer('next')
    await edit(() => addNode(board.doc, 'cache', { kind: 'cache', label: 'Cache', x: 300, y: 0 }), 2 * MIN)
    await write('serve', ['Candidates', 'precomputed;', 'ranking', 'online.'], 60_000)
    await timer('end')
    socket.disconnect()
    board.destroy()
    watcher.destroy()
    await env.server.store.flush()
  }

  beforeAll(async () => {
    await record()
  })

  it('skips the silence in step 4 when playing at 32×, and shows time over plan', async () => {
    const person = await newPerson(env.browser)
    errors.push(...person.errors)
    const i = person.page
    await i.goto(`${env.server.url}/r/${created.room.id}/replay#token=${created.tokens.interviewer}`)
    await i.getByTestId('replay').waitFor()
    await until(async () => (await nodeLabels(i)).length === 6, 'the finished board')
    for (const step of STEPS.slice(0, 6)) expect(await i.locator(`[data-testid=scrubber] .seg[data-step=${step}]`).count()).toBeGreaterThan(0)
    expect(await i.locator('[data-testid=scrubber] .seg[data-step=monitor]').count()).toBe(0)
    expect(await i.locator('.activity .idle').count()).toBeGreaterThan(0)
    // Step 3 ran eight minutes of its seven.
    expect(await i.locator('.steps li[data-step=data] .times').getAttribute('class')).toContain('over')
    expect(await i.getByTestId('replay-time').innerText()).toMatch(/^3\d:\d\d \/ 3\d:\d\d$/)
    await screenshot(i, '60-replay-long')

    await i.getByRole('button', { name: /Jump to the start of step 4/ }).click()
    await until(async () => (await i.getByTestId('replay').getAttribute('data-loading')) === 'false', 'step 4 loaded')
    expect(await nodeLabels(i)).not.toContain('Ranker')
    await i.getByRole('button', { name: '32×' }).click()
    expect(await i.getByRole('checkbox', { name: 'Skip idle stretches' }).isChecked()).toBe(true)
    const started = Date.now()
    await i.getByTestId('replay-play').click()
    await until(async () => (await nodeLabels(i)).includes('Ranker'), 'the Ranker, after the silence', 10_000)
    // Nearly seven minutes at 32× would take 12 s; without the silence, about two.
    expect(Date.now() - started).toBeLessThan(5000)
    await i.getByRole('button', { name: 'Pause' }).click()
    await screenshot(i, '61-replay-long-after-idle')
    expect(errors).toEqual([])
  })
})
