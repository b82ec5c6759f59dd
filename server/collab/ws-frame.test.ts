import { createServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { binaryFrame } from './ws-frame.js'

describe('binaryFrame', () => {
  const http = createServer()
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  let socket: Duplex
  let client: WebSocket
  const received: Buffer[] = []

  beforeAll(async () => {
    const accepted = new Promise<void>((resolve) => {
      http.on('upgrade', (req, raw, head) =>
        wss.handleUpgrade(req, raw, head, () => {
          socket = raw
          resolve()
        }),
      )
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    client = new WebSocket(`ws://127.0.0.1:${(http.address() as { port: number }).port}`)
    client.on('message', (data: Buffer, isBinary) => {
      expect(isBinary).toBe(true)
      received.push(data)
    })
    await accepted
  })
  afterAll(() => {
    client.close()
    wss.close()
    http.close()
  })

  it('is read by a WebSocket client as the same bytes, at every length encoding', async () => {
    // 7-bit, 16-bit and 64-bit payload lengths, at and around their limits.
    const sizes = [0, 1, 125, 126, 65535, 65536, 200_000]
    const payloads = sizes.map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) % 256))
    for (const p of payloads) socket.write(binaryFrame(p))
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 5000
      const tick = () => (received.length >= sizes.length ? resolve() : Date.now() > deadline ? reject(new Error('frames not received')) : setTimeout(tick, 10))
      tick()
    })
    expect(received.map((b) => b.length)).toEqual(sizes)
    received.forEach((b, i) => expect(new Uint8Array(b)).toEqual(payloads[i]))
  })

  it('writes the smallest header for the length', () => {
    expect([...binaryFrame(new Uint8Array(3)).subarray(0, 2)]).toEqual([0x82, 3])
    expect([...binaryFrame(new Uint8Array(300)).subarray(0, 4)]).toEqual([0x82, 126, 1, 44])
    expect([...binaryFrame(new Uint8Array(70_000)).subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70])
  })
})
