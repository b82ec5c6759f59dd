import { describe, expect, it } from 'vitest'
import { clockText } from '../../shared/timer/elapsed.js'
import type { TimerState } from '../../shared/timer/timer.js'
import { api, createRoom, sleep } from '../helpers/clients.js'
import { join, newPerson, rubricPanel, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

/**
 * One interview, one length: the timer, the end page, the report and the replay all read the same
 * total, and an evidence moment tells the same clock (a pause does not count), whatever the
 * milliseconds. The interview is ended at 0.6–0.85 s past a whole second, where rounding to the
 * nearest second and rounding down disagree.
 */
describe.skipIf(skipBrowserTests)('elapsed interview time', () => {
  const env = serverAndBrowser()
  const errors: string[] = []

  it('reads the same everywhere, and never counts a pause', async () => {
    const created = await createRoom(env.server.url, { mode: 'peer' })
    const token = created.tokens.interviewer
    const { page: i, errors: mine } = await newPerson(env.browser)
    errors.push(...mine)
    await join(i, created.links.interviewer, 'Ivy')
    const button = (name: string) => i.locator('.timer').getByRole('button', { name, exact: true })

    await button('Start').click()
    await i.locator('.timer[data-status=running]').waitFor()
    await sleep(1300)
    await button('Pause').click()
    await i.locator('.timer[data-status=paused]').waitFor()
    // Three seconds paused: wall time passes, interview time does not.
    await sleep(3200)
    await button('Resume').click()
    await i.locator('.timer[data-status=running]').waitFor()
    await sleep(400)
    await i.getByRole('tab', { name: /Rubric/ }).click()
    const step = rubricPanel(i).locator('li.step').first()
    await step.getByRole('button', { name: 'This moment' }).click()
    const moment = step.locator('[data-link=moment] .text')
    await moment.waitFor()
    // Taken about 1.7 s of running time in, 4.9 s after the start: the label counts running time only.
    const seconds = (text: string) => text.split(':').reduce((sum, part) => sum * 60 + Number(part), 0)
    const [momentClock] = (await moment.innerText()).split(' in')
    expect(seconds(momentClock!), `the moment "${await moment.innerText()}" on the interview clock`).toBeLessThanOrEqual(2)
    await screenshot(i, '120-elapsed-moment')

    // End when the interview is 0.6–0.85 s past a whole second.
    await i.getByRole('button', { name: 'End interview' }).click()
    const room = await api(env.server.url, `/api/rooms/${created.room.id}`, { token })
    const t: TimerState = room.body.timer
    const elapsedThen = t.steps.reduce((sum, s) => sum + s.usedMs, 0) + (room.body.serverNow - t.runningSince!)
    const wait = (((1725 - (elapsedThen % 1000)) % 1000) + 1000) % 1000
    await sleep(wait + 1000)
    await i.getByRole('dialog').getByRole('button', { name: 'End interview' }).click()
    await i.getByRole('heading', { name: 'This interview has ended' }).waitFor()

    const ended: TimerState = (await api(env.server.url, `/api/rooms/${created.room.id}`, { token })).body.timer
    const totalMs = ended.steps.reduce((sum, s) => sum + s.usedMs, 0)
    const total = clockText(totalMs)
    expect(totalMs % 1000, 'the test ended the interview where rounding matters').toBeGreaterThanOrEqual(500)
    // Interview time is running time: about 1.3 + 0.4 + the wait, never the 3.2 s pause.
    expect(totalMs).toBeLessThan(ended.endedAt! - ended.startedAt! - 3000)

    expect(await i.locator('[data-testid=step-clock]').innerText(), 'the timer').toBe(total)
    expect(await i.locator('.sheet tfoot td').first().innerText(), 'the end page').toBe(total)
    await screenshot(i, '121-elapsed-ended')

    await i.goto(`${env.server.url}/r/${created.room.id}/report#token=${encodeURIComponent(token)}`)
    await i.getByTestId('report').waitFor()
    expect(await i.getByText(/used of .* planned/).innerText(), 'the report').toMatch(new RegExp(`^${total} used of`))
    expect(await i.locator('[data-testid=report-times] tfoot .used').innerText(), 'the report times').toBe(total)

    await i.goto(`${env.server.url}/r/${created.room.id}/replay#token=${encodeURIComponent(token)}`)
    await i.getByTestId('replay-time').waitFor()
    await until(async () => (await i.getByTestId('replay-time').innerText()).endsWith(`/ ${total}`), `the replay's total reads ${total}`)
    expect(await i.locator('.steps .total').innerText(), 'the replay step times').toContain(total)
    await screenshot(i, '122-elapsed-replay')
  })

  it('raised no script errors or warnings', () => {
    expect(errors).toEqual([])
  })
})
