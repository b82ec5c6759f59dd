/**
 * A thin load client: a raw `ws` socket speaking the y-websocket protocol, with its own Y.Doc.
 * On open it sends sync step 1 (its real state vector) and answers the server's step 1 with step 2;
 * then, each time the scheduler calls `edit()`, it types one character into `notes:clarify` and
 * sends the real Yjs update the doc emits, framed as [0 sync, 2 update, varUint8Array]. What it
 * receives is counted, never applied (that would cost the generator more than the server).
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2

/** Counters shared by every thin client of the generator, reset at the start of a window. */
export interface Counters {
  sent: number
  /** Sends skipped because the socket was not open. */
  notOpen: number
  updatesReceived: number
  step2Received: number
  awarenessReceived: number
  otherReceived: number
  maxBufferedAmount: number
}

export const newCounters = (): Counters => ({
  sent: 0,
  notOpen: 0,
  updatesReceived: 0,
  step2Received: 0,
  awarenessReceived: 0,
  otherReceived: 0,
  maxBufferedAmount: 0,
})

const syncFrame = (sub: number, payload: Uint8Array) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  encoding.writeVarUint(e, sub)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

export class ThinClient {
  readonly doc = new Y.Doc()
  readonly text = this.doc.getText('notes:clarify')
  ws: WebSocket | null = null
  /** True once the server answered our step 1 (we hold the server's state as far as sync goes). */
  synced = false
  closed = false
  #edits = 0

  constructor(
    readonly url: string,
    private readonly counters: () => Counters,
  ) {
    this.doc.on('update', (update: Uint8Array) => this.#send(syncFrame(UPDATE, update)))
  }

  /** Opens the socket; resolves once synced, rejects on error, close or timeout. */
  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // An all-zero mask makes `ws` skip masking our frames (the bytes are sent as they are). The mask
      // protects proxies from crafted payloads; on loopback it is only cost for the generator.
      const ws = new WebSocket(this.url, { perMessageDeflate: false, generateMask: (mask) => void mask.fill(0) })
      this.ws = ws
      ws.binaryType = 'nodebuffer'
      const timer = setTimeout(() => fail(new Error(`sync timed out after ${timeoutMs} ms`)), timeoutMs)
      let settled = false
      const fail = (err: Error) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        ws.terminate()
        reject(err)
      }
      ws.on('open', () => this.#send(syncFrame(STEP1, Y.encodeStateVector(this.doc))))
      ws.on('error', (err) => fail(err))
      ws.on('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)))
      ws.on('close', (code) => {
        this.closed = true
        fail(new Error(`closed with ${code} before sync`))
      })
      ws.on('message', (data: Buffer) => {
        if (this.#receive(data) && !settled) {
          settled = true
          clearTimeout(timer)
          resolve()
        }
      })
    })
  }

  /** One keystroke: the doc's update handler sends it. */
  edit(): void {
    if (this.ws?.readyState !== WebSocket.OPEN) {
      this.counters().notOpen++
      return
    }
    // Letters cycle so the text stays readable; the doc merges consecutive inserts into one item.
    this.text.insert(this.text.length, String.fromCharCode(97 + (this.#edits++ % 26)))
  }

  close(): Promise<void> {
    const ws = this.ws
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate()
        resolve()
      }, 5000)
      ws.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      ws.close(1000)
    })
  }

  #send(frame: Uint8Array): void {
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return
    const c = this.counters()
    ws.send(frame)
    if (frame[1] === UPDATE) c.sent++
    if (ws.bufferedAmount > c.maxBufferedAmount) c.maxBufferedAmount = ws.bufferedAmount
  }

  /** Handles one server message; returns true when it was the step 2 answering our step 1. */
  #receive(data: Buffer): boolean {
    const c = this.counters()
    // Message type and sync sub-type are single-byte varuints (< 128).
    const type = data[0]
    if (type === MESSAGE_AWARENESS) {
      c.awarenessReceived++
      return false
    }
    if (type !== MESSAGE_SYNC) {
      c.otherReceived++
      return false
    }
    const sub = data[1]
    if (sub === UPDATE) {
      c.updatesReceived++
      return false
    }
    if (sub === STEP1) {
      const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset + 2, data.byteLength - 2))
      const stateVector = decoding.readVarUint8Array(decoder)
      this.#send(syncFrame(STEP2, Y.encodeStateAsUpdate(this.doc, stateVector)))
      return false
    }
    if (sub === STEP2) {
      c.step2Received++
      const first = !this.synced
      this.synced = true
      return first
    }
    c.otherReceived++
    return false
  }
}
