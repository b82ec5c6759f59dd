import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/clients.js'
import { newPerson, screenshot, serverAndBrowser, skipBrowserTests } from './browser.js'

describe.skipIf(skipBrowserTests)('custom kits in the browser', () => {
  const env = serverAndBrowser()
  let page: Page
  let kitId: string
  let editLink: string
  let roomId: string
  let interviewerToken: string
  const errors: Record<string, string[]> = {}

  beforeAll(async () => {
    const person = await newPerson(env.browser)
    page = person.page
    errors.maker = person.errors
  })

  const step = (i: number) => page.locator(`li[data-step-index="${i}"]`)

  it('says what is missing, field by field, before anything is created', async () => {
    // On a shared Postgres other suites' kits are there too: compare with what was before.
    const before = (await api(env.server.url, '/api/kits')).body.kits.length
    await page.goto(`${env.server.url}/`)
    await page.getByRole('link', { name: 'Create a kit' }).click()
    await page.getByRole('heading', { name: 'Create an interview kit' }).waitFor()
    await screenshot(page, '40-kit-new')
    await page.getByRole('button', { name: 'Create kit' }).click()
    await page.locator('#err-title').waitFor()
    expect(await page.locator('#title').getAttribute('aria-invalid')).toBe('true')
    for (const field of ['key', 'title', 'prompts', 'anchors.mid', 'anchors.senior', 'anchors.staff']) {
      expect(await page.locator(`[id="err-steps.0.${field}"]`).count(), field).toBe(1)
    }
    expect(await page.locator('.form-error').innerText()).toMatch(/fields need attention/)
    await screenshot(page, '41-kit-errors')
    expect((await api(env.server.url, '/api/kits')).body.kits).toHaveLength(before)
  })

  it('creates a kit with two steps, hands over its edit link, and the landing page offers it', async () => {
    await page.locator('#title').fill('Ads ranking loop')
    await page.locator('#description').fill('For ranking-heavy roles: less data plumbing, more modelling.')
    await step(0).locator('[id="steps.0.title"]').fill('Scope the problem')
    expect(await step(0).locator('[id="steps.0.key"]').inputValue()).toBe('scope-the-problem')
    await step(0).locator('[id="steps.0.minutes"]').fill('10')
    await step(0).locator('[id="steps.0.prompts"]').fill('Business objective\nScale and latency')
    await step(0).locator('[id="steps.0.hints"]').fill('What is the cost of a bad ad?')
    await step(0).locator('[id="steps.0.anchors.mid"]').fill('Asks about scale when prompted.')
    await step(0).locator('[id="steps.0.anchors.senior"]').fill('Drives the requirements unprompted.')
    await step(0).locator('[id="steps.0.anchors.staff"]').fill('Reframes the objective around advertiser value.')
    // Errors clear as the fields are filled.
    expect(await page.locator('[id="err-steps.0.anchors.staff"]').count()).toBe(0)
    await page.getByRole('button', { name: 'Add a step' }).click()
    await step(1).locator('[id="steps.1.title"]').fill('Ranking model')
    await step(1).locator('[id="steps.1.key"]').fill('rank')
    await step(1).locator('[id="steps.1.title"]').fill('Ranking model and features')
    expect(await step(1).locator('[id="steps.1.key"]').inputValue()).toBe('rank')
    await step(1).locator('[id="steps.1.minutes"]').fill('20')
    await step(1).locator('[id="steps.1.prompts"]').fill('Baseline first\nFeatures and labels')
    for (const level of ['mid', 'senior', 'staff']) await step(1).locator(`[id="steps.1.anchors.${level}"]`).fill(`${level} ranking answer`)
    expect(await page.locator('.total').innerText()).toBe('2 steps · 30 minutes')
    await screenshot(page, '42-kit-filled')
    await page.getByRole('button', { name: 'Create kit' }).click()

    const done = page.getByTestId('kit-published')
    await done.waitFor()
    editLink = await page.getByTestId('edit-link').inputValue()
    expect(editLink).toMatch(new RegExp(`^${env.server.url}/kits/ads-ranking-loop-[a-z0-9]+#edit=.+`))
    kitId = new URL(editLink).pathname.split('/')[2]!
    // A browser that refuses to copy: the page says so and leaves the link selected to copy by hand.
    await page.evaluate(() => {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) }, configurable: true })
      document.execCommand = () => false
    })
    await page.getByTestId('kit-published').getByRole('button', { name: 'Copy' }).click()
    await page.getByTestId('kit-published').getByRole('alert').filter({ hasText: 'The browser blocked copying' }).waitFor()
    expect(await page.getByTestId('edit-link').evaluate((el: HTMLInputElement) => el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0))).toBe(editLink)
    await screenshot(page, '43-kit-created')
    const stored = await api(env.server.url, `/api/kits/${kitId}`)
    expect(stored.body.kit).toMatchObject({ id: kitId, version: 1, title: 'Ads ranking loop', steps: [{ key: 'scope-the-problem', minutes: 10, prompts: ['Business objective', 'Scale and latency'] }, { key: 'rank', minutes: 20 }] })

    await page.getByRole('link', { name: 'Create a room with this kit' }).click()
    await page.locator(`#kit option[value="${kitId}"]`).waitFor({ state: 'attached' })
    expect(await page.locator('#kit').inputValue()).toBe(kitId)
    expect(await page.locator('#kit optgroup').getAttribute('label')).toBe('Custom kits')
    await page.getByRole('link', { name: 'Edit this kit' }).waitFor()
    await screenshot(page, '44-landing-custom-kit')
    await page.getByRole('button', { name: 'Create room' }).click()
    await page.getByRole('heading', { name: /Room ready/ }).waitFor()
    const link = await page.locator('[data-testid=invite-link][data-role=interviewer] input').inputValue()
    roomId = new URL(link).pathname.split('/')[2]!
    interviewerToken = new URL(link).hash.replace('#token=', '')
    const room = await api(env.server.url, `/api/rooms/${roomId}`, { token: interviewerToken })
    expect(room.body.kit).toMatchObject({ id: kitId, version: 1 })
  })

  it('publishes a new version from this device; the room keeps the version it was made with', async () => {
    await page.goto(`${env.server.url}/`)
    await page.locator(`#kit option[value="${kitId}"]`).waitFor({ state: 'attached' })
    await page.locator('#kit').selectOption(kitId)
    await page.getByRole('link', { name: 'Edit this kit' }).click()
    await page.getByRole('heading', { name: 'Edit “Ads ranking loop”' }).waitFor()
    expect(await step(0).locator('[id="steps.0.hints"]').inputValue()).toBe('What is the cost of a bad ad?')
    await step(1).locator('[id="steps.1.minutes"]').fill('25')
    await page.getByRole('button', { name: 'Publish version 2' }).click()
    await page.getByRole('heading', { name: /Version 2 published/ }).waitFor()
    await screenshot(page, '45-kit-version-2')
    expect((await api(env.server.url, `/api/kits/${kitId}`)).body.kit).toMatchObject({ version: 2, steps: [{}, { minutes: 25 }] })
    const room = await api(env.server.url, `/api/rooms/${roomId}`, { token: interviewerToken })
    expect(room.body.kit).toMatchObject({ version: 1, steps: [{}, { minutes: 20 }] })
  })

  it('shows a kit read-only without its edit link, and editable with it', async () => {
    const other = await newPerson(env.browser)
    errors.other = other.errors
    await other.page.goto(`${env.server.url}/kits/${kitId}`)
    await other.page.getByText('You are reading this kit.').waitFor()
    expect(await other.page.getByRole('button', { name: /Publish/ }).count()).toBe(0)
    // Hints and anchors stay with whoever holds the edit link.
    expect(await other.page.locator('[id="steps.0.prompts"]').inputValue()).toBe('Business objective\nScale and latency')
    expect(await other.page.locator('[id="steps.0.hints"], [id="steps.0.anchors.mid"]').count()).toBe(0)
    await screenshot(other.page, '46-kit-read-only')
    await other.page.goto(editLink)
    await other.page.getByRole('button', { name: 'Publish version 3' }).waitFor()

    // Starting from the built-in kit copies its seven steps.
    await other.page.goto(`${env.server.url}/kits/new`)
    await other.page.getByRole('link', { name: 'Start from the built-in kit' }).click()
    await other.page.locator('li[data-step-index="6"]').waitFor()
    expect(await other.page.locator('#title').inputValue()).toMatch(/\(copy\)$/)
    expect(await other.page.locator('.total').innerText()).toBe('7 steps · 45 minutes')
    await screenshot(other.page, '47-kit-from-built-in')
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
