/**
 * A probe room: two stock `WebsocketProvider`s (y-websocket, `ws` underneath), as a browser would
 * connect. The writer sets `probe.t` to the current time every 100 ms; the observer records, for
 * each change it receives, how long ago it was written. Both live in the generator process, so
 * they share one clock.
 */
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { RoomTarget } from '../servers.js'

const now = () => performance.timeOrigin + performance.now()
const SLOW_MS = 20

export class Probe {
  readonly writerDoc = new Y.Doc()
  readonly observerDoc = new Y.Doc()
  readonly writer: WebsocketProvider
  readonly observer: WebsocketProvider
  /** Delays (ms) seen while `recording`. */
  delays: number[] = []
  /** Samples over SLOW_MS as [epoch ms written, delay ms], to line up with the server's stalls. */
  slow: [number, number][] = []
  recording = false
  writes = 0
  #timer: NodeJS.Timeout | null = null

  constructor(writer: RoomTarget, observer: RoomTarget) {
    const provider = (t: RoomTarget, doc: Y.Doc) =>
      new WebsocketProvider(t.serverUrl, t.roomname, doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params: t.params,
        disableBc: true,
        // A lost probe must not reconnect forever: the run reports it instead.
        maxBackoffTime: 1000,
      })
    this.writer = provider(writer, this.writerDoc)
    this.observer = provider(observer, this.observerDoc)
    const seen = this.observerDoc.getMap<number>('probe')
    seen.observe((event) => {
      if (!this.recording || event.transaction.local) return
      const t = seen.get('t')
      if (typeof t !== 'number') return
      const delay = now() - t
      this.delays.push(delay)
      if (delay > SLOW_MS) this.slow.push([Math.round(t), Math.round(delay * 10) / 10])
    })
  }

  /** Resolves once both providers have synced with the server. */
  async ready(timeoutMs: number): Promise<void> {
    const synced = (p: WebsocketProvider) =>
      new Promise<void>((resolve, reject) => {
        if (p.synced) return resolve()
        const timer = setTimeout(() => reject(new Error(`probe did not sync within ${timeoutMs} ms`)), timeoutMs)
        p.once('sync', () => {
          clearTimeout(timer)
          resolve()
        })
      })
    await Promise.all([synced(this.writer), synced(this.observer)])
  }

  /** Starts writing every `periodMs`, first after `offsetMs` so probes do not write in lockstep. */
  start(periodMs: number, offsetMs: number): void {
    if (this.#timer) return
    const map = this.writerDoc.getMap<number>('probe')
    this.#timer = setTimeout(() => {
      this.#timer = setInterval(() => {
        map.set('t', now())
        this.writes++
      }, periodMs)
    }, offsetMs)
  }

  connected(): boolean {
    return this.writer.wsconnected && this.observer.wsconnected
  }

  destroy(): void {
    if (this.#timer) {
      clearTimeout(this.#timer)
      clearInterval(this.#timer)
    }
    this.writer.destroy()
    this.observer.destroy()
    this.writerDoc.destroy()
    this.observerDoc.destroy()
  }
}
