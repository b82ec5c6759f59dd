import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { api, createRoom, type CreatedRoom } from '../helpers/clients.js'
import { startTestServer } from '../helpers/server.js'
import { join, newPerson, rubricPanel, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

const KIT_KEYS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor']

const row = (page: Page, key: string) => rubricPanel(page).locator(`li.step[data-step="${key}"]`)
/** The score a step shows as chosen ('' for none). */
const scoreOf = (page: Page, key: string) => row(page, key).getAttribute('data-score')
const saveStatus = (page: Page) => page.locator('[data-testid=save-status]').innerText()

async function openRubric(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /Rubric/ }).click()
  await rubricPanel(page).locator('li.step').first().waitFor()
}

/** Scores every step by keyboard from the first one: `scores` in kit order ('0' is no signal). */
async function scoreAll(page: Page, scores: string[]): Promise<void> {
  await row(page, KIT_KEYS[0]!).locator('.head').click()
  for (const [i, score] of scores.entries()) {
    await page.keyboard.press(score)
    await until(async () => (await scoreOf(page, KIT_KEYS[i]!)) === (score === '0' ? 'no_signal' : score), `step ${i + 1} scored`)
    if (i < scores.length - 1) await page.keyboard.press('j')
  }
}

async function finishOverall(page: Page, recommendation: string, level: string, feedback: string): Promise<void> {
  await rubricPanel(page).getByRole('button', { name: recommendation, exact: true }).click()
  await rubricPanel(page).getByRole('button', { name: level, exact: true }).click()
  await page.locator('#rubric-feedback').fill(feedback)
}

async function submit(page: Page): Promise<void> {
  await rubricPanel(page).getByRole('button', { name: 'Submit rubric…' }).click()
  await page.getByTestId('submit-dialog').getByRole('button', { name: 'Submit and lock' }).click()
  await until(async () => (await saveStatus(page)).includes('Submitted'), 'the rubric locked')
}

describe.skipIf(skipBrowserTests)('rubrics in the browser', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  describe("the interviewer's scoring flow", () => {
    let created: CreatedRoom
    let i: Page
    let c: Page

    it('scores by keyboard in the order of the kit, without taking keys from text fields', async () => {
      created = await createRoom(env.server.url, { questionId: 'visual-search', level: 'senior' })
      const interviewer = await newPerson(env.browser)
      const candidate = await newPerson(env.browser)
      errors.scoringInterviewer = interviewer.errors
      errors.scoringCandidate = candidate.errors
      i = interviewer.page
      c = candidate.page
      await join(i, created.links.interviewer, 'Ivy Chen')
      await join(c, created.links.candidate, 'Cam Rivera')
      // The candidate draws a part the interviewer will link as evidence.
      await c.locator('[data-part="feature-store"]').click()
      await until(async () => (await i.locator('.svelte-flow__node').count()) === 1, 'the part at the interviewer')
      await i.getByRole('button', { name: 'Start' }).click()

      // Candidates never get a rubric, nor a tab for one.
      expect(await c.getByRole('tab').count()).toBe(0)
      expect(await rubricPanel(c).count()).toBe(0)

      await openRubric(i)
      const order = await rubricPanel(i).locator('li.step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))
      expect(order).toEqual(KIT_KEYS)
      // The room's level anchor is shown beside the active step, the others on demand.
      const active = row(i, 'clarify')
      expect(await active.locator('.anchor.current').textContent()).toMatch(/^Senior/)
      expect(await active.locator('.anchor').count()).toBe(1)
      await active.getByRole('button', { name: 'Show the other levels' }).click()
      expect(await active.locator('.anchor').count()).toBe(3)
      await screenshot(i, '20-rubric-panel')

      await active.locator('.head').click()
      await i.keyboard.press('3')
      await until(async () => (await scoreOf(i, 'clarify')) === '3', 'clarify scored 3 by key')
      await i.keyboard.press('j')
      await i.keyboard.press('0')
      await until(async () => (await scoreOf(i, 'frame')) === 'no_signal', 'frame scored no signal')
      await i.keyboard.press('ArrowDown')
      await i.keyboard.press('2')
      await until(async () => (await scoreOf(i, 'data')) === '2', 'data scored 2 by key')
      await i.keyboard.press('Backspace')
      await until(async () => (await scoreOf(i, 'data')) === '', 'data cleared')
      await i.keyboard.press('k')
      await i.keyboard.press('k')
      await i.keyboard.press('4')
      await until(async () => (await scoreOf(i, 'clarify')) === '4', 'back on clarify, rescored 4')

      // Typing in the evidence field types: digits and J/K are text there.
      await row(i, 'clarify').locator('textarea').click()
      await i.keyboard.type('Asked for QPS 1234 and p99 jk')
      expect(await row(i, 'clarify').locator('textarea').inputValue()).toBe('Asked for QPS 1234 and p99 jk')
      expect(await scoreOf(i, 'clarify')).toBe('4')
      expect(await scoreOf(i, 'frame')).toBe('no_signal')
      // Nor do the rubric's keys reach the canvas or the timer.
      expect(await i.locator('[data-testid=current-step]').innerText()).toBe('Clarify requirements')
      await until(async () => (await saveStatus(i)) === 'Saved', 'autosaved')
      const saved = await api(env.server.url, `/api/rooms/${created.room.id}/rubrics`, { token: created.tokens.interviewer })
      expect(saved.body.mine.steps.clarify).toMatchObject({ score: 4, evidence: 'Asked for QPS 1234 and p99 jk' })
      expect(saved.body.mine.steps.frame.score).toBe('no_signal')
    })

    it('links the selected part and this moment as evidence, and follows both links back', async () => {
      const node = i.locator('.svelte-flow__node').first()
      await node.click()
      await row(i, 'clarify').locator('.head').click()
      await row(i, 'clarify').getByRole('button', { name: 'Link selected part' }).click()
      const chip = row(i, 'clarify').locator('[data-link=node]')
      await until(async () => (await chip.innerText()).includes('Feature store'), 'the node link')
      await row(i, 'clarify').getByRole('button', { name: 'This moment' }).click()
      const moment = row(i, 'clarify').locator('[data-link=moment]')
      await until(async () => /\d+:\d\d in · Clarify requirements/.test(await moment.innerText()), 'the moment link')

      // Deselect and pan away; the link selects and centres the part again.
      const pane = (await i.locator('.svelte-flow__pane').boundingBox())!
      await i.locator('.svelte-flow__pane').click({ position: { x: pane.width * 0.75, y: pane.height * 0.6 } })
      await until(async () => !(await node.getAttribute('class'))!.includes('selected'), 'the part deselected')
      await i.mouse.move(pane.x + pane.width / 2, pane.y + pane.height - 40)
      await i.mouse.down()
      await i.mouse.move(pane.x + 40, pane.y + pane.height - 20, { steps: 6 })
      await i.mouse.up()
      await chip.getByRole('button').first().click()
      await until(async () => (await node.getAttribute('class'))!.includes('selected'), 'the part selected by its link')
      await new Promise((r) => setTimeout(r, 500))
      const box = (await node.boundingBox())!
      const centre = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 }
      expect(Math.abs(box.x + box.width / 2 - centre.x)).toBeLessThan(40)
      expect(Math.abs(box.y + box.height / 2 - centre.y)).toBeLessThan(40)

      // With the part selected, Backspace in the rubric clears a score and leaves the canvas alone.
      await row(i, 'frame').locator('.head').click()
      await i.keyboard.press('Backspace')
      await until(async () => (await scoreOf(i, 'frame')) === '', 'frame cleared')
      expect(await i.locator('.svelte-flow__node').count()).toBe(1)
      await i.keyboard.press('0')
      await until(async () => (await scoreOf(i, 'frame')) === 'no_signal', 'frame back to no signal')
      await row(i, 'clarify').locator('.head').click()

      // A moment highlights its step in the rail.
      await moment.getByRole('button').first().click()
      await i.locator('nav[aria-label="Interview steps"] li.flash[data-step="clarify"]').waitFor()
      // …and opens the replay at that moment.
      const replay = await moment.getByRole('link', { name: /Watch the replay from/ }).getAttribute('href')
      expect(replay).toMatch(/^\/r\/[a-z0-9]+\/replay\?round=1&t=\d{13}#token=/)
      await screenshot(i, '21-rubric-evidence-links')
    })

    it('keeps an edit typed just before a reload, and saves it', async () => {
      await row(i, 'data').locator('.head').click()
      await row(i, 'data').locator('textarea').fill('Label leakage risk: used click logs only, no dwell time')
      // No pause for the autosave: reload at once; the copy on this device brings it back.
      await i.reload()
      await i.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor({ timeout: 20_000 })
      await openRubric(i)
      await row(i, 'data').locator('.head').click()
      expect(await row(i, 'data').locator('textarea').inputValue()).toBe('Label leakage risk: used click logs only, no dwell time')
      expect(await scoreOf(i, 'clarify')).toBe('4')
      expect(await row(i, 'clarify').locator('.count').innerText()).toBe('2 links')
      await until(async () => (await saveStatus(i)) === 'Saved', 'the restored edit saved')
      const saved = await api(env.server.url, `/api/rooms/${created.room.id}/rubrics`, { token: created.tokens.interviewer })
      expect(saved.body.mine.steps.data.evidence).toBe('Label leakage risk: used click logs only, no dwell time')
      expect(saved.body.mine.steps.clarify.links).toEqual([
        { type: 'node', nodeId: expect.any(String), label: 'Feature store' },
        { type: 'moment', at: expect.any(Number), stepKey: 'clarify', elapsedMs: expect.any(Number) },
      ])
      await screenshot(i, '22-rubric-after-reload')
    })

    it('says so while offline, keeps the edit, and saves it once the server is back', async () => {
      const { port, dataDir } = env.server
      await env.server.stop({ keepData: true })
      await row(i, 'model').locator('.head').click()
      await row(i, 'model').locator('textarea').fill('Two-tower retrieval, then a GBDT re-ranker')
      await until(async () => (await saveStatus(i)) === 'Offline — will retry', 'the offline status')
      await screenshot(i, '22b-rubric-offline')
      env.server = await startTestServer({ dataDir, port })
      await until(async () => (await saveStatus(i)) === 'Saved', 'saved after the server came back', 30_000)
      const saved = await api(env.server.url, `/api/rooms/${created.room.id}/rubrics`, { token: created.tokens.interviewer })
      expect(saved.body.mine.steps.model.evidence).toBe('Two-tower retrieval, then a GBDT re-ranker')
      await i.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor({ timeout: 20_000 })
    })

    it('submits after showing what is missing, then locks the rubric', async () => {
      const refused: string[] = []
      i.on('response', (res) => {
        if (res.url().includes('/submit') && res.status() >= 400) refused.push(`${res.status()} ${res.url()}`)
      })
      await rubricPanel(i).getByRole('button', { name: 'Submit rubric…' }).click()
      // What is missing is listed under the rubric, before any dialog, and the server is not asked.
      const missing = rubricPanel(i).getByTestId('missing-before')
      await missing.waitFor()
      expect(await i.getByTestId('submit-dialog').isVisible()).toBe(false)
      const text = await missing.innerText()
      for (const expected of ['a score for “Data preparation”', 'a score for “Monitoring and maintenance”', 'an overall recommendation', 'the level demonstrated']) {
        expect(text).toContain(expected)
      }
      expect(text).not.toContain('Clarify requirements')
      await screenshot(i, '23-rubric-submit-missing')

      await scoreAll(i, ['4', '0', '2', '3', '3', '2', '1'])
      await finishOverall(i, 'Lean hire', 'Senior', 'Clear requirements; go deeper on serving and monitoring next time.')
      // Complete now: the list is gone by itself.
      await until(async () => (await rubricPanel(i).getByTestId('missing-before').count()) === 0, 'the missing list gone once complete')
      await submit(i)
      expect(refused).toEqual([])
      for (const key of KIT_KEYS) expect(await row(i, key).locator('button[data-score]').first().isDisabled()).toBe(true)
      expect(await rubricPanel(i).locator('textarea').count()).toBe(0)
      await i.keyboard.press('1')
      expect(await scoreOf(i, 'model')).toBe('3')
      expect(await rubricPanel(i).getByRole('button', { name: 'Submit rubric…' }).count()).toBe(0)
      await screenshot(i, '24-rubric-submitted')
      const after = await api(env.server.url, `/api/rooms/${created.room.id}/rubrics`, { token: created.tokens.interviewer })
      expect(after.body.mine).toMatchObject({ status: 'submitted', recommendation: 'lean_hire', level: 'senior' })
      expect(after.body.mine.steps.model.score).toBe(3)
      // The server holds it locked too.
      const edit = await api(env.server.url, `/api/rooms/${created.room.id}/rubrics/mine`, { token: created.tokens.interviewer, method: 'PUT', body: {} })
      expect(edit.status).toBe(409)
    })
  })

  describe('the panel reveal', () => {
    it("hides the others' rubrics until you submit, and shows the calibration once everyone has", async () => {
      const created = await createRoom(env.server.url, { mode: 'panel', level: 'staff' })
      const ada = await newPerson(env.browser)
      const bo = await newPerson(env.browser)
      errors.panelAda = ada.errors
      errors.panelBo = bo.errors
      const a = ada.page
      const b = bo.page
      await join(a, created.links.interviewer, 'Ada Park')
      await openRubric(a)
      const panelOf = async (p: Page) => (await p.getByTestId('panel-status').textContent()) ?? ''
      await until(async () => (await panelOf(a)).includes('0 of 1 submitted'), 'a panel of one')
      // Ada invites the second panelist from the room.
      await rubricPanel(a).getByRole('button', { name: 'Invite another interviewer' }).click()
      const secondLink = await a.getByTestId('new-interviewer-link').inputValue()
      expect(secondLink).toMatch(new RegExp(`^${env.server.url}/r/${created.room.id}#token=`))
      await until(async () => (await panelOf(a)).includes('0 of 2 submitted'), 'the panel of two at Ada')
      await screenshot(a, '25a-panel-invite')
      await join(b, secondLink, 'Bo Lindqvist')
      await openRubric(b)
      const second = { token: new URL(secondLink).hash.replace('#token=', '') }

      await scoreAll(a, ['4', '4', '3', '3', '4', '3', '3'])
      await finishOverall(a, 'Strong hire', 'Staff', 'Excellent end to end.')
      await screenshot(a, '25-panel-ada-scoring')
      await submit(a)
      // Bo hears of it live, and sees nothing of Ada's rubric.
      await until(async () => /Ada Park\s*Submitted/.test(await panelOf(b)), "Ada's submit at Bo")
      expect(await b.getByTestId('other-rubric').count()).toBe(0)
      expect(await b.getByText("Ada Park's rubric").count()).toBe(0)
      expect(await b.getByRole('button', { name: 'Open the calibration view' }).count()).toBe(0)
      // Ada waits for Bo.
      expect(await a.getByText('The calibration view opens once everyone on the panel has submitted.').count()).toBe(1)
      await screenshot(b, '26-panel-bo-before-submit')
      const hidden = await api(env.server.url, `/api/rooms/${created.room.id}/rubrics`, { token: second.token })
      expect(hidden.body.others).toEqual([])

      await scoreAll(b, ['2', '4', '3', '1', '0', '3', '3'])
      await finishOverall(b, 'Lean no hire', 'Senior', 'Modelling was thin.')
      await submit(b)
      await b.getByText("Ada Park's rubric").waitFor()
      // Ada's page learns that the panel is complete, by itself.
      await a.getByRole('button', { name: 'Open the calibration view' }).waitFor({ timeout: 15_000 })
      await a.getByText("Bo Lindqvist's rubric").waitFor()
      await screenshot(a, '27-panel-ada-all-submitted')

      await b.getByRole('button', { name: 'Open the calibration view' }).click()
      const table = b.getByTestId('calibration')
      await table.waitFor()
      const head = await table.locator('thead th').allTextContents()
      expect(head).toEqual(['Step', 'Bo Lindqvist (you)', 'Ada Park', 'Spread'])
      const spreads = await table.locator('[data-testid=spread]').allInnerTexts()
      // "No signal" is left out of a spread: 4 beside no signal is 0.
      expect(spreads).toEqual(['2', '0', '0', '2', '0', '0', '0'])
      expect(await table.locator('tbody tr.wide').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step')))).toEqual(['clarify', 'model'])
      expect(await table.locator('tr[data-row=recommendation]').innerText()).toMatch(/Lean no hire\s+Strong hire\s+3/)
      await screenshot(b, '28-calibration')
    })
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
