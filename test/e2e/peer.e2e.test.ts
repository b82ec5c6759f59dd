import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { api, createRoom, type CreatedRoom } from '../helpers/clients.js'
import { join, live, newPerson, nodeLabels, rubricPanel, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

const roleChip = (page: Page) => page.getByTestId('your-role').innerText()

describe.skipIf(skipBrowserTests)('peer practice in the browser: feedback and swapping roles', () => {
  const env = serverAndBrowser()
  let created: CreatedRoom
  let a: Page
  let g: Page
  const errors: Record<string, string[]> = {}

  beforeAll(async () => {
    created = await createRoom(env.server.url, { questionId: 'visual-search', level: 'mid', title: 'Practice: Ada and Grace' })
    const ada = await newPerson(env.browser)
    const grace = await newPerson(env.browser)
    errors.ada = ada.errors
    errors.grace = grace.errors
    a = ada.page
    g = grace.page
    await join(a, created.links.interviewer, 'Ada')
    await join(g, created.links.candidate, 'Grace')
  })

  it('round 1: the candidate draws, the interviewer scores, submits and ends the interview', async () => {
    await g.locator('[data-part="model-server"]').click()
    await until(async () => (await nodeLabels(a)).includes('Model server'), 'the round-1 part at Ada')
    await a.getByRole('button', { name: 'Start' }).click()

    await a.getByRole('tab', { name: /Rubric/ }).click()
    await rubricPanel(a).locator('li.step[data-step=clarify] .head').click()
    for (const [i, key] of ['3', '2', '4', '3', '0', '2', '1'].entries()) {
      await a.keyboard.press(key)
      if (i < 6) await a.keyboard.press('j')
    }
    await rubricPanel(a).getByRole('button', { name: 'Hire', exact: true }).click()
    await rubricPanel(a).getByRole('button', { name: 'Senior', exact: true }).click()
    await a.locator('#rubric-feedback').fill('Strong data section. Next time, say how you would monitor drift.')
    await rubricPanel(a).getByRole('button', { name: 'Submit rubric…' }).click()
    await a.getByTestId('submit-dialog').getByRole('button', { name: 'Submit and lock' }).click()
    await until(async () => (await a.getByTestId('save-status').innerText()).includes('Submitted'), 'submitted')
    // Sharing waits for the end of the interview.
    expect(await rubricPanel(a).getByRole('button', { name: /Share feedback/ }).count()).toBe(0)

    await a.getByRole('button', { name: 'End interview' }).click()
    await a.getByRole('dialog').getByRole('button', { name: 'End interview' }).click()
    await a.getByRole('heading', { name: 'This interview has ended' }).waitFor()
    await g.getByRole('heading', { name: 'This interview has ended' }).waitFor()
    await g.getByTestId('waiting-feedback').waitFor()
    expect(await a.getByTestId('ended-rubric').innerText()).toContain('Rubric submitted')
    await screenshot(a, '30-peer-ended-interviewer')
    await screenshot(g, '31-peer-ended-candidate-waiting')
  })

  it('shares the feedback, and the candidate sees it at once: scores with labels, recommendation, level and text, no evidence', async () => {
    await a.getByRole('button', { name: 'Open your rubric' }).click()
    await rubricPanel(a).getByRole('button', { name: 'Share feedback with the candidate…' }).click()
    await screenshot(a, '32-peer-share-confirm')
    await a.getByRole('dialog').getByRole('button', { name: 'Share feedback' }).click()
    await a.getByTestId('feedback-shared').waitFor()

    // Grace's overlay turns into her feedback without a reload.
    const shared = g.getByTestId('shared-feedback')
    await shared.waitFor({ timeout: 15_000 })
    expect(await shared.getByTestId('feedback-recommendation').innerText()).toBe('Hire')
    expect(await shared.getByTestId('feedback-level').innerText()).toBe('Senior')
    expect(await shared.getByTestId('feedback-text').innerText()).toBe('Strong data section. Next time, say how you would monitor drift.')
    const steps = await shared.locator('li[data-step]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.querySelector('.score')!.textContent!.trim()]))
    expect(steps).toEqual([
      ['clarify', '3 Solid'],
      ['frame', '2 Partial'],
      ['data', '4 Exceptional'],
      ['model', '3 Solid'],
      ['evaluate', 'No signal'],
      ['serve', '2 Partial'],
      ['monitor', '1 Missed'],
    ])
    await screenshot(g, '33-peer-candidate-feedback')
    await g.getByRole('button', { name: 'Open it in the side panel' }).click()
    await g.getByTestId('feedback-panel').getByTestId('shared-feedback').waitFor()
    expect(await g.getByRole('tab', { name: 'Feedback' }).getAttribute('aria-selected')).toBe('true')
    await screenshot(g, '34-peer-candidate-feedback-tab')
  })

  it('swaps roles: round 2 on a fresh board, the timer and the hints change hands', async () => {
    await a.getByRole('button', { name: 'Swap roles…' }).first().click()
    const dialog = a.getByTestId('swap-dialog')
    await dialog.locator('#next-question option').first().waitFor({ state: 'attached' })
    // The default is a question not asked yet in this room.
    const picked = await dialog.locator('#next-question').inputValue()
    expect(picked).not.toBe('visual-search')
    expect(picked).toBeTruthy()
    await screenshot(a, '35-peer-swap-dialog')
    await dialog.getByRole('button', { name: 'Start round 2' }).click()

    for (const p of [a, g]) {
      await until(async () => (await p.locator('.room').getAttribute('data-round')) === '2', 'round 2 on screen')
      await live(p)
    }
    await until(async () => (await roleChip(a)) === 'You: Candidate', 'Ada is the candidate')
    await until(async () => (await roleChip(g)) === 'You: Interviewer', 'Grace is the interviewer')
    // The timer's controls, the hints and the rubric went to Grace.
    await g.getByRole('button', { name: 'Start' }).waitFor()
    expect(await a.getByRole('button', { name: 'Start' }).count()).toBe(0)
    expect(await g.locator('[data-testid=hints]').count()).toBe(1)
    expect(await a.locator('[data-testid=hints]').count()).toBe(0)
    expect(await g.getByRole('tab', { name: /Rubric/ }).count()).toBe(1)
    expect(await a.getByRole('tab', { name: /Rubric/ }).count()).toBe(0)
    // A fresh board for round 2, which both can draw on.
    expect(await a.locator('.svelte-flow__node').count()).toBe(0)
    expect(await g.locator('.svelte-flow__node').count()).toBe(0)
    expect(await a.getByRole('heading', { name: 'This interview has ended' }).count()).toBe(0)
    await a.locator('[data-part="cache"]').click()
    await until(async () => (await nodeLabels(g)).join() === 'Cache', 'the round-2 part at Grace')
    await g.getByRole('button', { name: 'Start' }).click()
    await until(async () => (await a.locator('.timer .status').innerText()) === 'Running', 'Ada sees Grace run the clock')
    // Grace's round-2 rubric is her own and fresh.
    await g.getByRole('tab', { name: /Rubric/ }).click()
    await rubricPanel(g).locator('li.step').first().waitFor()
    expect(await rubricPanel(g).getAttribute('data-round')).toBe('2')
    expect(await rubricPanel(g).locator('li.step[data-score=""]').count()).toBe(7)
    const r2 = await api(env.server.url, `/api/rooms/${created.room.id}`, { token: created.tokens.candidate })
    expect(r2.body).toMatchObject({ role: 'interviewer', room: { round: 2, questionId: picked } })
    await screenshot(g, '36-peer-round-2-grace-interviews')
    await screenshot(a, '37-peer-round-2-ada-answers')
  })

  it('keeps round 1 as it was, to look at read-only', async () => {
    await a.getByTestId('round-switch').selectOption('1')
    await a.getByTestId('past-round').waitFor()
    await until(async () => (await nodeLabels(a)).join() === 'Model server', "round 1's board")
    expect(await a.locator('[data-part]').count()).toBe(0)
    expect(await roleChip(a)).toBe('You: Interviewer')
    // Ada's round-1 rubric, locked, and the round-1 clock as it ended.
    await a.getByRole('tab', { name: /Rubric/ }).click()
    expect(await rubricPanel(a).getAttribute('data-round')).toBe('1')
    await rubricPanel(a).getByTestId('feedback-shared').waitFor()
    expect(await rubricPanel(a).locator('li.step[data-step=data]').getAttribute('data-score')).toBe('4')
    expect(await a.locator('.timer .status').innerText()).toBe('Ended')
    await screenshot(a, '38-peer-round-1-read-only')

    // Round 2 goes on meanwhile, and Ada goes back to it.
    await a.getByRole('button', { name: 'Back to round 2' }).click()
    await until(async () => (await nodeLabels(a)).join() === 'Cache', "round 2's board again")
    expect(await a.getByTestId('past-round').count()).toBe(0)

    // Grace looks back too: her feedback of round 1 is there.
    await g.getByTestId('round-switch').selectOption('1')
    await until(async () => (await nodeLabels(g)).join() === 'Model server', "round 1's board at Grace")
    await g.getByRole('tab', { name: 'Feedback' }).click()
    await g.getByTestId('feedback-panel').getByTestId('shared-feedback').waitFor()
    expect(await g.getByRole('button', { name: 'Start' }).count()).toBe(0)
    await screenshot(g, '39-peer-round-1-grace-feedback')
    await g.getByTestId('round-switch').selectOption('2')
    await g.getByRole('button', { name: /Pause/ }).waitFor()
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
