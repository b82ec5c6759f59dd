import { describe, expect, it } from 'vitest'
import { createRoom } from '../helpers/clients.js'
import { expectAccessible, join, newPerson, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

/** A step the timer only passed through looks skipped in the step rail, never done. */
describe.skipIf(skipBrowserTests)('skipped steps', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  it('steps moved past in seconds show as skipped, for the interviewer and the candidate', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'peer' })
    const ivy = await newPerson(env.browser)
    const cam = await newPerson(env.browser)
    errors.ivy = ivy.errors
    errors.cam = cam.errors
    const i = ivy.page
    await join(i, links.interviewer, 'Ivy')
    await join(cam.page, links.candidate, 'Cam')
    await i.getByRole('button', { name: 'Start', exact: true }).click()
    for (const step of ['frame', 'data']) {
      await i.locator('.timer').getByRole('button', { name: /Next step/ }).click()
      await until(async () => (await i.locator(`nav.rail li[data-step=${step}]`).getAttribute('class'))?.includes('current') ?? false, `step ${step} current`)
    }
    for (const p of [i, cam.page]) {
      const rail = p.locator('nav.rail')
      await until(async () => (await rail.locator('li.skipped').count()) === 2, 'two skipped steps')
      expect(await rail.locator('li.done').count()).toBe(0)
      expect(await rail.locator('li[data-step=clarify] .step').innerText()).toMatch(/\(skipped\)/)
      expect(await rail.locator('li[data-step=data] .step').innerText()).toMatch(/\(current step\)/)
    }
    await expectAccessible(i, 'the room with skipped steps')
    await screenshot(i, '50-skipped-steps')
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})

describe.skipIf(skipBrowserTests)('the side panel', () => {
  const env = serverAndBrowser()

  it('keeps its width when the tab changes, and its tab across a reload', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'panel' })
    const ivy = await newPerson(env.browser)
    const i = ivy.page
    await join(i, links.interviewer, 'Ivy')
    const canvasWidth = async () => (await i.locator('.svelte-flow').boundingBox())!.width
    const before = await canvasWidth()
    await i.getByRole('tab', { name: /Rubric/ }).click()
    await i.locator('[data-testid=rubric] li.step').first().waitFor()
    expect(await canvasWidth()).toBe(before)
    await i.reload()
    await i.locator('[data-testid=rubric] li.step').first().waitFor()
    expect(await i.getByRole('tab', { name: /Rubric/ }).getAttribute('aria-selected')).toBe('true')
    expect(ivy.errors).toEqual([])
  })
})
