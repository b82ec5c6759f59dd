import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createRoom, sleep } from '../helpers/clients.js'
import { startTestServer } from '../helpers/server.js'
import { join, live, newPerson, screenshot, serverAndBrowser, skipBrowserTests } from './browser.js'

/** A computer whose clock is off by `skewMs` (the page's Date.now, which the app reads). */
async function skewClock(context: BrowserContext, skewMs: number): Promise<void> {
  await context.addInitScript((skew: number) => {
    const real = Date.now.bind(Date)
    Date.now = () => real() + skew
  }, skewMs)
}

/** Starts recording, on the machine's true clock, when the step clock's text changes. */
async function record(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { clockChanges: { text: string; at: number }[]; clockObserver?: MutationObserver }
    w.clockObserver?.disconnect()
    w.clockChanges = []
    let last = ''
    const read = () => {
      const text = document.querySelector('[data-testid=step-clock]')?.textContent ?? ''
      if (text !== last) w.clockChanges.push({ text, at: performance.timeOrigin + performance.now() })
      last = text
    }
    w.clockObserver = new MutationObserver(read)
    w.clockObserver.observe(document.body, { subtree: true, childList: true, characterData: true })
    read()
  })
}

const changes = (page: Page) => page.evaluate(() => (window as unknown as { clockChanges: { text: string; at: number }[] }).clockChanges)

/**
 * For every second all the screens showed, how far apart (ms) they turned to it. The first change
 * each page recorded is where recording began, not a turnover, and is left out.
 */
async function spreads(pages: Page[]): Promise<{ text: string; spread: number }[]> {
  const all = await Promise.all(pages.map(async (p) => (await changes(p)).slice(1)))
  const texts = all[0]!.map((c) => c.text).filter((text) => all.every((list) => list.some((c) => c.text === text)))
  return texts.map((text) => {
    const times = all.map((list) => list.find((c) => c.text === text)!.at)
    return { text, spread: Math.round(Math.max(...times) - Math.min(...times)) }
  })
}

/** Screens turn their seconds over within this of each other (a redraw, not the clocks, apart). */
const TOGETHER_MS = 40

/**
 * Three people whose computers' clocks are off by seconds, some of them, see the same time on the
 * timer: each screen measures its offset to the server by round trip, again after a reconnect,
 * and redraws when the second turns over on server time, so the screens change together.
 */
describe.skipIf(skipBrowserTests)('one clock on every screen', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  it('turns the seconds over together on clocks that are off, before and after a reconnect', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'peer' })
    const people = { interviewer: await newPerson(env.browser), candidate: await newPerson(env.browser), observer: await newPerson(env.browser) }
    await skewClock(people.candidate.context, 4321)
    await skewClock(people.observer.context, -2750)
    for (const [role, person] of Object.entries(people)) errors[role] = person.errors
    await join(people.interviewer.page, links.interviewer, 'Ivy')
    await join(people.candidate.page, links.candidate, 'Cal')
    await join(people.observer.page, links.observer, 'Olu')
    const pages = Object.values(people).map((p) => p.page)

    await people.interviewer.page.getByRole('button', { name: 'Start', exact: true }).click()
    for (const page of pages) await page.locator('.timer[data-status=running]').waitFor()
    await sleep(1500)
    await Promise.all(pages.map(record))
    await sleep(5200)
    const before = await spreads(pages)
    console.info('clock spreads (ms), before the reconnect:', before.map((s) => s.spread).join(' '))
    expect(before.length, 'seconds seen on every screen').toBeGreaterThanOrEqual(4)
    expect(before.filter((s) => s.spread > TOGETHER_MS), 'seconds the screens turned to apart').toEqual([])
    await screenshot(people.candidate.page, '123-clock-skewed-candidate')

    // The server restarts: every screen reconnects and measures again.
    const { port, dataDir } = env.server
    await env.server.stop({ keepData: true })
    env.server = await startTestServer({ dataDir, port })
    for (const page of pages) await live(page)
    await sleep(1500)
    await Promise.all(pages.map(record))
    await sleep(5200)
    const after = await spreads(pages)
    console.info('clock spreads (ms), after the reconnect:', after.map((s) => s.spread).join(' '))
    expect(after.length, 'seconds seen on every screen after the reconnect').toBeGreaterThanOrEqual(4)
    expect(after.filter((s) => s.spread > TOGETHER_MS), 'seconds the screens turned to apart after the reconnect').toEqual([])
    // And they agree on what the time is: the same text now, whatever each computer's clock says.
    const texts = await Promise.all(pages.map((p) => p.locator('[data-testid=step-clock]').innerText()))
    expect(new Set(texts).size, `the clocks read ${texts.join(', ')}`).toBeLessThanOrEqual(2)
  })

  it('raised no script errors or warnings in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
