import { describe, expect, it } from 'vitest'
import { api, createRoom } from '../helpers/clients.js'
import { expectAccessible, join, live, newPerson, screenshot, serverAndBrowser, skipBrowserTests, until, VIEWPORTS } from './browser.js'

/**
 * A hiring panel's interviewer link is one person's seat. Sent to two panelists by mistake, it
 * never lets the second one see the first one's rubric as their own: the room says whose seat it
 * is and gives the second person a seat of their own.
 */
describe.skipIf(skipBrowserTests)('one seat per panelist', () => {
  const env = serverAndBrowser()
  const errors: Record<string, string[]> = {}

  it('a second browser on the same interviewer link is told whose seat it is, and takes a seat of its own that survives a reload', async () => {
    const { room, links, tokens } = await createRoom(env.server.url, { mode: 'panel', title: 'Loop 12 · Ranking' })
    const priya = await newPerson(env.browser)
    errors.priya = priya.errors
    await join(priya.page, links.interviewer, 'Priya Raman')

    const sam = await newPerson(env.browser)
    errors.sam = sam.errors
    const s = sam.page
    await s.goto(links.interviewer)
    await s.getByRole('heading', { name: 'This interviewer seat is taken' }).waitFor()
    expect(await s.getByTestId('seat-taken').innerText()).toMatch(/Priya Raman opened this interviewer link in another browser just now/)
    await expectAccessible(s, 'the seat-taken page')
    await screenshot(s, '40-seat-taken')
    await s.locator('#seat-name').fill('Sam Okafor')
    await s.getByRole('button', { name: 'Take a seat of my own' }).click()
    await live(s)

    // Sam is in the room on a link of their own, named after them, with a rubric of their own.
    const samToken = new URL(s.url()).hash.replace('#token=', '')
    expect(samToken).not.toBe(tokens.interviewer)
    const listed = (await api(env.server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer })).body.links as Array<{ role: string; label: string | null; token?: string; usedBy: string[] }>
    const seat = listed.find((l) => l.token === samToken)
    expect(seat).toMatchObject({ role: 'interviewer', label: 'Sam Okafor' })
    await until(async () => ((await api(env.server.url, `/api/rooms/${room.id}/links`, { token: tokens.interviewer })).body.links as typeof listed).find((l) => l.token === samToken)?.usedBy.includes('Sam Okafor'), "Sam's join on Sam's link")
    const mine = await api(env.server.url, `/api/rooms/${room.id}/rubrics`, { token: samToken })
    expect(mine.body.panel.map((p: { name: string }) => p.name).sort()).toEqual(['Priya Raman', 'Sam Okafor'])

    // A reload keeps Sam on Sam's seat; Priya's reload keeps Priya on hers.
    await s.reload()
    await live(s)
    expect(new URL(s.url()).hash).toBe(`#token=${samToken}`)
    await priya.page.reload()
    await live(priya.page)
    await screenshot(s, '41-own-seat-in-room')
  })

  it('"it is me, on another device" takes the seat back on purpose', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'panel' })
    const laptop = await newPerson(env.browser)
    errors.laptop = laptop.errors
    await join(laptop.page, links.interviewer, 'Ada Park')
    const tablet = await newPerson(env.browser)
    errors.tablet = tablet.errors
    await tablet.page.goto(links.interviewer)
    await tablet.page.getByRole('button', { name: 'It is me, on another device' }).click()
    await tablet.page.locator('#display-name').fill('Ada Park')
    await tablet.page.getByRole('button', { name: 'Join room' }).click()
    await live(tablet.page)
  })

  it('peer rooms and candidate links are shared freely', async () => {
    const peer = await createRoom(env.server.url, { mode: 'peer' })
    const panel = await createRoom(env.server.url, { mode: 'panel' })
    for (const link of [peer.links.interviewer, panel.links.candidate]) {
      for (const who of ['one', 'two']) {
        const person = await newPerson(env.browser)
        errors[`${who}:${link}`] = person.errors
        await join(person.page, link, `Person ${who}`)
        await person.context.close()
      }
    }
  })

  it('the seat-taken page reads at every window size', async () => {
    const { links } = await createRoom(env.server.url, { mode: 'panel' })
    const first = await newPerson(env.browser)
    errors.first = first.errors
    await join(first.page, links.interviewer, 'Lee Wong')
    for (const viewport of VIEWPORTS) {
      const other = await newPerson(env.browser, viewport)
      errors[`other-${viewport.name}`] = other.errors
      await other.page.goto(links.interviewer)
      await other.page.getByRole('heading', { name: 'This interviewer seat is taken' }).waitFor()
      await expectAccessible(other.page, `the seat-taken page at ${viewport.name}`)
      // Nothing wider than the window: no sideways scrolling on a phone.
      expect(await other.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width)
      await screenshot(other.page, `42-seat-taken-${viewport.name}`)
      await other.context.close()
    }
  })

  it('raised no script errors in any page', () => {
    for (const [who, list] of Object.entries(errors)) expect(list, who).toEqual([])
  })
})
