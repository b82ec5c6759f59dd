import { io } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createRoom } from '../helpers/clients.js'
import { startTestServer } from '../helpers/server.js'
import { newPerson, screenshot, serverAndBrowser, skipBrowserTests, until } from './browser.js'

/** Connections a minute from one address: 12 makes a refused client wait 5 s. */
const PER_MINUTE = 12

/** Takes every connection the address has left (socket.io handshakes from this test, 127.0.0.1 like the browser). */
async function exhaustConnections(url: string, token: string): Promise<number> {
  for (let i = 0; i <= PER_MINUTE; i++) {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
    const code = await new Promise<string | null>((resolve) => {
      socket.once('connect', () => resolve(null))
      socket.once('connect_error', (err) => resolve((err as Error & { data?: { code?: string } }).data?.code ?? err.message))
    })
    socket.close()
    if (code === 'rate_limited') return i
    if (code !== null) throw new Error(`unexpected refusal: ${code}`)
  }
  throw new Error(`the limit of ${PER_MINUTE} connections a minute was never reached`)
}

describe.skipIf(skipBrowserTests)('a browser refused for too many connections from its address', () => {
  // The limiter reads the server's clock: the test moves it on instead of waiting for the bucket.
  let skew = 0
  const env = serverAndBrowser(() => startTestServer({ clock: () => Date.now() + skew, env: { RATE_LIMIT_CONNECTIONS_PER_MINUTE: String(PER_MINUTE) } }))

  it('waits as long as the server says, then connects by itself: the room goes live without a reload and without an error', async () => {
    const { room, links, tokens } = await createRoom(env.server.url, { title: 'Busy office' })
    expect(await exhaustConnections(env.server.url, tokens.interviewer)).toBe(PER_MINUTE)

    const { context, page, errors } = await newPerson(env.browser)
    try {
      await page.goto(links.candidate)
      await page.locator('#display-name').fill('Cara')
      await page.getByRole('button', { name: 'Join room' }).click()
      // Refused (socket.io answers with rate_limited): still connecting, not an error screen.
      const connection = page.locator('[data-testid=connection]')
      await until(async () => (await connection.innerText()).includes('Connecting'), 'the connecting state')
      await page.waitForTimeout(1500)
      expect(await connection.innerText()).toContain('Connecting')
      expect(await page.getByRole('alert').count()).toBe(0)
      await screenshot(page, 'ratelimit-connecting')

      // A minute later the address may connect again: the client's own retry (after the server's
      // retryAfter of 5 s) gets in; socket.io alone would never try again after the refusal.
      skew += 61_000
      await until(async () => (await connection.innerText()).includes('Live'), 'the room live after the wait', 20_000)
      await page.getByText('Cara').first().waitFor()
      expect(room.id).toBeTruthy()
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 60_000)
})
