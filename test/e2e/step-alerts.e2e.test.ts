import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createRoom } from '../helpers/clients.js'
import { join, newPerson, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

const alerts = (page: Page) => page.getByTestId('step-alert').allInnerTexts()
const sounds = async (page: Page) => Number(await page.getByTestId('step-alerts').getAttribute('data-sounds'))
/** Moves the page's clock on (the server's stays): the room's clock reads as that much later. */
const later = (page: Page, ms: number) => page.evaluate((by) => Date.now() + by, ms).then((t) => page.clock.setSystemTime(t))

/**
 * Two minutes before a step's time is up, and when it is, everyone gets a toast; the tab shows the
 * step's clock; the interviewer hears a short sound unless they muted it on this browser.
 */
describe.skipIf(skipBrowserTests)('step alerts', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  it('toasts two minutes before and at the end of a step, for both, with the clock in the tab and a sound for the interviewer', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'peer' })
    const ivy = await newPerson(env.browser)
    const cam = await newPerson(env.browser)
    errors.ivy = ivy.errors
    errors.cam = cam.errors
    for (const p of [ivy.page, cam.page]) await p.clock.install()
    const i = ivy.page
    const c = cam.page
    await join(i, links.interviewer, 'Ivy')
    await join(c, links.candidate, 'Cam')
    expect(await i.title()).toMatch(/ · Stepwise$/)
    await i.getByRole('button', { name: 'Start', exact: true }).click()
    await c.locator('.timer[data-status=running]').waitFor()
    await until(async () => /^\d:\d\d · Clarify requirements · Stepwise$/.test(await c.title()), "the step's clock in the candidate's tab")

    // Step 1 has 5 minutes: 3 minutes later, 2 are left.
    for (const p of [i, c]) await later(p, 3 * 60_000 + 1000)
    for (const p of [i, c]) await until(async () => (await alerts(p)).includes('2 minutes left · Clarify requirements'), 'the two-minute toast')
    await screenshot(c, '51-step-alert-soon')
    for (const p of [i, c]) await later(p, 2 * 60_000)
    for (const p of [i, c]) await until(async () => (await alerts(p)).includes('Time is up · Clarify requirements'), 'the time-up toast')
    await until(async () => /^\+0:0\d · Clarify requirements · Stepwise$/.test(await i.title()), 'the overrun in the tab')
    expect(await sounds(i)).toBe(2)
    expect(await sounds(c)).toBe(0)
    await screenshot(i, '52-step-alert-up')
    // Toasts go by themselves.
    await i.clock.runFor(9000)
    await until(async () => (await alerts(i)).length === 0, 'the toasts gone')
  })

  it('the interviewer mutes the sound, and this browser remembers it; the toasts still come', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'peer' })
    const ivy = await newPerson(env.browser)
    errors.muted = ivy.errors
    const i = ivy.page
    await i.clock.install()
    await join(i, links.interviewer, 'Ivy')
    await i.getByRole('button', { name: 'Alert sound' }).click()
    expect(await i.getByRole('button', { name: 'Alert sound' }).getAttribute('aria-pressed')).toBe('false')
    await i.reload()
    await i.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor()
    expect(await i.getByRole('button', { name: 'Alert sound' }).getAttribute('aria-pressed')).toBe('false')
    await i.getByRole('button', { name: 'Start', exact: true }).click()
    await i.locator('.timer[data-status=running]').waitFor()
    await later(i, 5 * 60_000 + 1000)
    await until(async () => (await alerts(i)).includes('Time is up · Clarify requirements'), 'the time-up toast')
    expect(await sounds(i)).toBe(0)
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
