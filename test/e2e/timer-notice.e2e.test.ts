import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createRoom } from '../helpers/clients.js'
import { join, newPerson, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

const CONFLICT = 'Someone else changed the timer just now'
const notice = (page: Page) => page.locator('.timer .message').innerText()

/**
 * Two interviewers pressing at once: the one refused is told so, and the message goes away by
 * itself (once the timer changes again, or after a few seconds), never left standing.
 */
describe.skipIf(skipBrowserTests)('the timer conflict message', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  const extend = (page: Page) => page.locator('.timer').getByRole('button', { name: /5 min/ })

  /** Both add five minutes at once until one of them is refused; returns the refused page and the other. */
  async function collide(a: Page, b: Page): Promise<[Page, Page]> {
    for (let attempt = 0; attempt < 20; attempt++) {
      await Promise.all([extend(a).click(), extend(b).click()])
      await a.waitForTimeout(300)
      if ((await notice(a)).includes(CONFLICT)) return [a, b]
      if ((await notice(b)).includes(CONFLICT)) return [b, a]
    }
    throw new Error('two presses at once never collided in 20 tries')
  }

  it('goes after a few seconds, and at once when the timer changes again', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'peer' })
    const one = await newPerson(env.browser)
    const two = await newPerson(env.browser)
    errors.one = one.errors
    errors.two = two.errors
    await join(one.page, links.interviewer, 'Ivy')
    await join(two.page, links.interviewer, 'Ian')

    await one.page.getByRole('button', { name: 'Start', exact: true }).click()
    await two.page.locator('.timer[data-status=running]').waitFor()
    const [refused, other] = await collide(one.page, two.page)
    await screenshot(refused, '48-timer-conflict')
    // Left alone, it goes within a few seconds.
    await until(async () => (await notice(refused)) === '', 'the conflict message gone by itself', 9000)

    const [refusedAgain, otherAgain] = await collide(refused, other)
    expect(await notice(refusedAgain)).toContain(CONFLICT)
    // The other interviewer moves the timer on: the message is stale, and goes.
    await otherAgain.waitForTimeout(1100)
    await otherAgain.getByRole('button', { name: 'Pause', exact: true }).click()
    await until(async () => (await notice(refusedAgain)) === '', 'the conflict message gone at the next timer change', 3000)
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
