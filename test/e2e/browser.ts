import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import AxeBuilder from '@axe-core/playwright'
import { afterAll, beforeAll, expect } from 'vitest'
import { waitFor } from '../helpers/clients.js'
import { startTestServer, type TestServer } from '../helpers/server.js'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM_PATH)
/** In CI a missing browser is a failure; on a laptop the browser tests are skipped, loudly. */
export const skipBrowserTests = !hasChromium && process.env.CI !== 'true'
export const MISSING_CHROMIUM = `Chromium not found at ${CHROMIUM_PATH} (install it: apt-get install -y chromium)`

if (skipBrowserTests) console.warn(`[e2e] browser tests skipped: ${MISSING_CHROMIUM}`)

export const SHOTS_DIR = process.env.SHOTS_DIR ?? '/tmp/shots'

export async function launchBrowser(): Promise<Browser> {
  if (!hasChromium) throw new Error(MISSING_CHROMIUM)
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** The window sizes every screen is checked at: a laptop, a small laptop, a phone. */
export const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'laptop', width: 1280, height: 720 },
  { name: 'phone', width: 390, height: 844 },
] as const

/** A fresh, isolated browser profile (own storage), by default at the smallest laptop size. */
export async function newPerson(browser: Browser, viewport: { width: number; height: number } = { width: 1280, height: 720 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    // Any console error or warning fails the test, but the network's own (a refused socket while a
    // test restarts the server, a 4xx a test asks for on purpose).
    if ((msg.type() === 'error' || msg.type() === 'warning') && !/WebSocket|Failed to load resource|ERR_CONNECTION_REFUSED/i.test(msg.text())) {
      errors.push(`${msg.type()}: ${msg.text()}`)
    }
  })
  return { context, page, errors }
}

/** No serious or critical axe-core violation (WCAG 2.2 A and AA rules) on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([])
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true })
  await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` })
}

/**
 * A server and a browser for the enclosing describe block: started before its first test (after
 * any earlier beforeAll), closed after its last. Tests read `env.server` and `env.browser`, and
 * may swap `env.server` for a restarted one.
 */
export function serverAndBrowser(start: () => Promise<TestServer> = () => startTestServer()): { server: TestServer; browser: Browser } {
  const env = {} as { server: TestServer; browser: Browser }
  beforeAll(async () => {
    if (!hasChromium) throw new Error(MISSING_CHROMIUM)
    env.server = await start()
    env.browser = await launchBrowser()
  })
  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })
  return env
}

/** Polls at a pace a browser can keep up with, with a name for the failure message. */
export const until = <T>(check: () => T | Promise<T>, what: string, timeout = 15_000) => waitFor(check, { timeout, interval: 100, what })

export async function live(page: Page): Promise<void> {
  await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor({ timeout: 20_000 })
}

/** Opens an invite link, joins under `name` and waits until the room is live. */
export async function join(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link)
  await page.locator('#display-name').fill(name)
  await page.getByRole('button', { name: 'Join room' }).click()
  await live(page)
}

export const nodeLabels = (page: Page) => page.locator('.svelte-flow__node .label').allInnerTexts()
export const sharedNotes = (page: Page) => page.locator('[data-testid=shared-notes] .cm-content').innerText()
export const rubricPanel = (page: Page) => page.locator('[data-testid=rubric]')
