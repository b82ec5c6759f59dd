import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

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

/** A fresh, isolated browser profile (own storage) at the smallest supported window size. */
export async function newPerson(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/WebSocket|Failed to load resource|ERR_CONNECTION_REFUSED/i.test(msg.text())) errors.push(msg.text())
  })
  return { context, page, errors }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true })
  await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` })
}
