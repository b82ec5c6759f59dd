/**
 * socket.io clients for the timer benchmark. An idle client is one connected socket in a room (it
 * only holds a connection, as a person with the room open does between commands). A timer probe
 * room has an interviewer, a candidate and an observer; the interviewer sends `timer:command`s one
 * at a time and we record, for each, the delay until the `timer` event reaches each of the three.
 */
import { io, type Socket } from 'socket.io-client'

const now = () => performance.now()

export function connectSocketIo(url: string, token: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs })
    const timer = setTimeout(() => {
      socket.disconnect()
      reject(new Error(`socket.io: no room:state within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('room:state', () => {
      clearTimeout(timer)
      resolve(socket)
    })
    socket.once('connect_error', (err) => {
      clearTimeout(timer)
      socket.disconnect()
      reject(err)
    })
  })
}

export interface TimerSamples {
  /** ms from emitting the command to the `timer` event, one per client per command. */
  arrivals: number[]
  /** ms from emitting the command to its ack. */
  acks: number[]
  /** Commands refused by the server, or whose events did not all arrive in time. */
  failed: string[]
}

export class TimerProbeRoom {
  sockets: Socket[] = []

  async connect(url: string, tokens: { interviewer: string; candidate: string; observer: string }, timeoutMs: number): Promise<void> {
    this.sockets = await Promise.all([tokens.interviewer, tokens.candidate, tokens.observer].map((t) => connectSocketIo(url, t, timeoutMs)))
  }

  /** Sends `count` commands (start, then pause/resume alternately), each after the previous fully arrived plus `gapMs`. */
  async run(count: number, gapMs: number, out: TimerSamples, startDelayMs: number): Promise<void> {
    const interviewer = this.sockets[0]!
    await new Promise((r) => setTimeout(r, startDelayMs))
    for (let i = 0; i < count; i++) {
      const type = i === 0 ? 'start' : i % 2 === 1 ? 'pause' : 'resume'
      const sent = now()
      const arrivals = this.sockets.map(
        (s) =>
          new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${type}: no timer event within 5 s`)), 5000)
            s.once('timer', () => {
              clearTimeout(timer)
              resolve(now() - sent)
            })
          }),
      )
      // Handled below; this only keeps an early rejection from counting as unhandled.
      for (const a of arrivals) a.catch(() => {})
      const ack = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${type}: no ack within 5 s`)), 5000)
        interviewer.emit('timer:command', { type }, (reply: { ok: boolean; error?: { code: string } }) => {
          clearTimeout(timer)
          if (reply.ok) resolve(now() - sent)
          else reject(new Error(`${type}: refused (${reply.error?.code})`))
        })
      })
      try {
        out.acks.push(await ack)
        out.arrivals.push(...(await Promise.all(arrivals)))
      } catch (err) {
        out.failed.push(String((err as Error).message))
        // Let stray events of this command go by before the next one.
        await Promise.allSettled(arrivals)
      }
      await new Promise((r) => setTimeout(r, gapMs))
    }
  }

  close(): void {
    for (const s of this.sockets) s.disconnect()
  }
}
