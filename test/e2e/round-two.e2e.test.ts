import { describe, expect, it } from 'vitest'
import { createRoom } from '../helpers/clients.js'
import { join, live, newPerson, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

/**
 * After a role swap, round 2 opens on its own: its first step's notes (not the step someone was
 * reading in round 1), and its own question's title in the header and the tab.
 */
describe.skipIf(skipBrowserTests)('round 2 opens fresh', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  it('shows step 1 of the new round and the new question, for both people', async () => {
    const { links } = await createRoom(env.server.url, { questionId: 'visual-search', mode: 'peer' })
    const ada = await newPerson(env.browser)
    const grace = await newPerson(env.browser)
    errors.ada = ada.errors
    errors.grace = grace.errors
    const a = ada.page
    const g = grace.page
    await join(a, links.interviewer, 'Ada')
    await join(g, links.candidate, 'Grace')
    const title = await a.locator('header h1').innerText()
    expect(await a.title()).toContain(title)

    // Round 1: Ada reads step 4's notes while the timer is on step 1, then ends the interview.
    await a.getByRole('button', { name: 'Start', exact: true }).click()
    for (const p of [a, g]) await p.locator('nav.rail li[data-step=model] button.step').click()
    for (const p of [a, g]) await p.getByText('Not the current step').waitFor()
    await a.getByRole('button', { name: 'End interview' }).click()
    await a.getByRole('dialog').getByRole('button', { name: 'End interview' }).click()
    await a.getByRole('heading', { name: 'This interview has ended' }).waitFor()
    // The ended page's own button (the strip's is behind it).
    await a.getByRole('button', { name: 'Swap roles…' }).last().click()
    const dialog = a.getByTestId('swap-dialog')
    await dialog.locator('#next-question option').first().waitFor({ state: 'attached' })
    const nextTitle = await dialog.locator('#next-question option:checked').innerText()
    await dialog.getByRole('button', { name: 'Start round 2' }).click()

    for (const p of [a, g]) {
      await until(async () => (await p.locator('.room').getAttribute('data-round')) === '2', 'round 2 on screen')
      await live(p)
      await until(async () => /step 1\b/i.test(await p.locator('#notes-title').innerText()), 'the notes of step 1 of round 2')
      expect(await p.getByText('Not the current step').count()).toBe(0)
      await until(async () => (await p.locator('header h1').innerText()) === nextTitle, "round 2's question in the header")
      expect(await p.title()).toBe(`${nextTitle} · Stepwise`)
    }
    expect(nextTitle).not.toBe(title)
    await screenshot(a, '49-round-2-fresh')
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
