import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { expectAccessible, join, live, newPerson, screenshot, serverAndBrowser, skipBrowserTests, until, VIEWPORTS } from './browser.js'

const linkOf = (page: Page, role: string) => page.locator(`[data-testid=invite-link][data-role=${role}]`)

/**
 * Invite links found again: the "Room ready" page keeps its address, interviewers have an Invite
 * panel in the room (who used each link, copy, revoke, new links of any role), and the start page
 * lists "Your interviews" from this browser's storage.
 */
describe.skipIf(skipBrowserTests)('invites that can be found again', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  async function createFromLanding(page: Page, title: string): Promise<{ roomId: string; links: Record<string, string> }> {
    await page.goto(env.server.url + '/')
    await page.locator('#question option[value="video-recommendation"]').waitFor({ state: 'attached' })
    await page.locator('#title').fill(title)
    await page.getByRole('button', { name: 'Create room' }).click()
    await page.getByRole('heading', { name: `Room ready: ${title}` }).waitFor()
    const links: Record<string, string> = {}
    for (const role of ['interviewer', 'candidate', 'observer']) links[role] = await linkOf(page, role).locator('input').inputValue()
    return { roomId: new URL(page.url()).pathname.split('/')[2]!, links }
  }

  it('the Invite panel lists every link with who used it, adds a link of any role and revokes one, which puts its holder out', async () => {
    const host = await newPerson(env.browser, { width: 1440, height: 900 })
    errors.host = host.errors
    const h = host.page
    const { links } = await createFromLanding(h, 'Peer practice with Cam')
    await expectAccessible(h, 'the room-ready page')
    await h.getByRole('link', { name: /Open as interviewer/ }).click()
    await h.locator('#display-name').fill('Ivy Chen')
    await h.getByRole('button', { name: 'Join room' }).click()
    await live(h)

    const cam = await newPerson(env.browser)
    errors.cam = cam.errors
    await join(cam.page, links.candidate!, 'Cam Rivera')

    await h.getByTestId('invite-button').click()
    const dialog = h.getByTestId('invite-dialog')
    await until(async () => (await linkOf(h, 'candidate').innerText()).includes('Used by Cam Rivera'), "Cam's join in the Invite panel")
    expect(await linkOf(h, 'interviewer').innerText()).toMatch(/Yours/)
    expect(await linkOf(h, 'interviewer').getByRole('button', { name: /Revoke/ }).count()).toBe(0)
    expect(await linkOf(h, 'candidate').locator('input').inputValue()).toBe(links.candidate)

    await dialog.locator('#new-link-role').selectOption('observer')
    await dialog.locator('#new-link-label').fill('Hiring manager')
    await dialog.getByRole('button', { name: 'Add link' }).click()
    const manager = dialog.locator('[data-testid=invite-link]', { hasText: 'Hiring manager' })
    await manager.waitFor()
    const managerLink = await manager.locator('input').inputValue()
    await expectAccessible(h, 'the Invite panel')
    await screenshot(h, '43-invite-panel')

    // The manager watches; revoking the link puts them out at once.
    const watcher = await newPerson(env.browser)
    errors.watcher = watcher.errors
    await join(watcher.page, managerLink, 'Morgan Lee')
    await manager.getByRole('button', { name: /Revoke Hiring manager/ }).click()
    await manager.getByRole('button', { name: 'Revoke now' }).click()
    await dialog.getByText('Revoked links (1)').waitFor()
    await watcher.page.getByRole('heading', { name: /revoked|no longer works/i }).waitFor({ timeout: 15_000 })
    await dialog.getByRole('button', { name: 'Done' }).click()
  })

  it('the Room ready page survives a reload, and the start page lists your interviews until you remove one', async () => {
    const host = await newPerson(env.browser)
    errors.lister = host.errors
    const h = host.page
    const first = await createFromLanding(h, 'Loop 3 · Search ranking')
    await h.reload()
    await h.getByRole('heading', { name: 'Room ready: Loop 3 · Search ranking' }).waitFor()
    expect(await linkOf(h, 'observer').locator('input').inputValue()).toBe(first.links.observer)
    await createFromLanding(h, 'Loop 4 · Ads CTR')

    // The candidate's browser keeps its own list, with its own role.
    const cand = await newPerson(env.browser)
    errors.listerCandidate = cand.errors
    await join(cand.page, first.links.candidate!, 'Dana Kim')
    await cand.page.goto(env.server.url + '/')
    const candidateList = cand.page.getByTestId('your-interviews')
    await candidateList.waitFor()
    expect(await candidateList.innerText()).toMatch(/Loop 3 · Search ranking[\s\S]*You: Candidate/)

    await h.goto(env.server.url + '/')
    const list = h.getByTestId('your-interviews')
    await list.waitFor()
    expect(await list.getByTestId('interview').allInnerTexts()).toEqual([expect.stringMatching(/^Loop 4 · Ads CTR/), expect.stringMatching(/^Loop 3 · Search ranking/)])
    await expectAccessible(h, 'the start page with your interviews')
    await screenshot(h, '47-your-interviews')
    // Its Links entry opens the Room ready page again; its title opens the room.
    await list.getByTestId('interview').nth(1).getByRole('link', { name: 'Links' }).click()
    await h.getByRole('heading', { name: 'Room ready: Loop 3 · Search ranking' }).waitFor()
    await h.goBack()
    await list.getByRole('button', { name: 'Remove Loop 4 · Ads CTR from this list' }).click()
    expect(await list.getByTestId('interview').count()).toBe(1)
    await h.reload()
    await h.getByTestId('your-interviews').waitFor()
    expect(await h.getByTestId('interview').count()).toBe(1)
    await h.getByRole('button', { name: 'Remove Loop 3 · Search ranking from this list' }).click()
    expect(await h.getByTestId('your-interviews').count()).toBe(0)
  })

  it('the Room ready page and the start page read at every window size', async () => {
    for (const viewport of VIEWPORTS) {
      const person = await newPerson(env.browser, viewport)
      errors[`sizes-${viewport.name}`] = person.errors
      const p = person.page
      await createFromLanding(p, `Loop at ${viewport.name}`)
      expect(await p.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(viewport.width)
      await screenshot(p, `45-room-ready-${viewport.name}`)
      await p.goto(env.server.url + '/')
      await p.getByTestId('your-interviews').waitFor()
      expect(await p.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(viewport.width)
      await expectAccessible(p, `the start page at ${viewport.name}`)
      await screenshot(p, `46-landing-${viewport.name}`)
      await person.context.close()
    }
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
