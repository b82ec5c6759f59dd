import { createContext } from 'svelte'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { TimerCommand } from '../../../../shared/timer/timer.js'
import { api, ApiError, type RoomInfo } from '../../lib/api.js'
import { openRoomSocket, type RoomSocket } from '../../lib/socket.js'
import { Presence } from '../presence/presence.svelte.js'
import { TimerClock } from '../timer/timer.svelte.js'
import { problem, problemFor, type Problem } from './problems.js'

export type Connection = 'connecting' | 'online' | 'reconnecting'
export type CommandResult = { ok: true } | { ok: false; code: string; message: string }

const yjsUrl = () => location.origin.replace(/^http/, 'ws') + '/yjs'

/**
 * One open room: what the server says about it (HTTP), its live docs (Yjs: the board, and the
 * private doc for interviewers), presence and the timer (socket.io). Components read it through
 * context, so two rooms (or a replay beside a room) never share state.
 */
export class RoomSession {
  readonly roomId: string
  readonly token: string | null
  readonly presence = new Presence()
  readonly board = new Y.Doc()
  readonly privateDoc = new Y.Doc()
  #info: RoomInfo | null = $state.raw(null)
  #problem: Problem | null = $state.raw(null)
  #timer: TimerClock | null = $state.raw(null)
  #boardProvider: WebsocketProvider | null = $state.raw(null)
  #privateProvider: WebsocketProvider | null = $state.raw(null)
  #boardUp = $state(false)
  #socketUp = $state(false)
  #synced = $state(false)
  #everOnline = $state(false)
  #socket: RoomSocket | null = null

  constructor(roomId: string, token: string | null) {
    this.roomId = roomId
    this.token = token
    if (!token) this.#problem = problem('missing-token')
  }

  get info(): RoomInfo | null {
    return this.#info
  }
  get problem(): Problem | null {
    return this.#problem
  }
  get timer(): TimerClock | null {
    return this.#timer
  }
  get role() {
    return this.#info?.role ?? null
  }
  get isInterviewer(): boolean {
    return this.#info?.role === 'interviewer'
  }
  /** Board edits: everyone but observers, until the interview ends. */
  get canEditBoard(): boolean {
    return this.#info !== null && this.#info.role !== 'observer' && !this.ended
  }
  get ended(): boolean {
    return this.#timer?.ended === true || this.#info?.room.endedAt != null
  }
  get boardProvider(): WebsocketProvider | null {
    return this.#boardProvider
  }
  get privateProvider(): WebsocketProvider | null {
    return this.#privateProvider
  }
  /** The board has its first sync: what is shown is the room's content, not an empty doc. */
  get synced(): boolean {
    return this.#synced
  }
  get connection(): Connection {
    if (this.#boardUp && this.#socketUp) return 'online'
    return this.#everOnline ? 'reconnecting' : 'connecting'
  }

  /**
   * Reads the room as this token's role may see it; a refusal becomes the page's problem. The
   * docs' providers exist from here on (not yet connected), so components can bind to them.
   */
  async load(): Promise<void> {
    if (!this.token) return
    try {
      const info = await api.room(this.roomId, this.token)
      const params = { token: this.token }
      this.#boardProvider = new WebsocketProvider(yjsUrl(), this.roomId, this.board, { params, connect: false, disableBc: true })
      if (info.role === 'interviewer') {
        this.#privateProvider = new WebsocketProvider(yjsUrl(), `${this.roomId}/private`, this.privateDoc, { params, connect: false, disableBc: true })
      }
      this.#timer = new TimerClock(info.timer, info.serverNow)
      this.#info = info
    } catch (err) {
      this.#problem = err instanceof ApiError ? problemFor(err) : problem('unreachable')
    }
  }

  /** Opens the live connections as `name`; returns the cleanup that closes them for good. */
  connect(name: string): () => void {
    const board = this.#boardProvider
    if (!this.#info || !this.token || !board) return () => {}
    const priv = this.#privateProvider
    const user = { name, color: '#64748b', colorLight: '#64748b33' }
    board.awareness.setLocalStateField('user', user)
    priv?.awareness.setLocalStateField('user', user)

    this.#watch(board, (up) => (this.#boardUp = up))
    board.on('sync', (synced: boolean) => {
      if (synced) this.#synced = true
    })
    board.connect()
    if (priv) {
      this.#watch(priv, () => {})
      priv.connect()
    }

    const socket = openRoomSocket(this.token, name)
    this.#socket = socket
    socket.on('connect', () => {
      this.#socketUp = true
      this.#markOnline()
    })
    socket.on('disconnect', (reason) => {
      this.#socketUp = false
      // A server going down for a restart disconnects us on purpose, and socket.io does not retry
      // those: we do, unless we were told why (revoked) and gave up.
      if (reason === 'io server disconnect' && !this.#problem) socket.connect()
    })
    socket.on('connect_error', (err) => {
      const code = (err as Error & { data?: { code?: string } }).data?.code
      // A refusal by the server's auth is final; anything else is the network, and socket.io retries.
      if (code) this.#fail(problemFor({ code, message: err.message }))
    })
    socket.on('room:state', (state) => {
      this.presence.set(state.participants, state.you)
      this.#timer?.apply(state.timer, state.serverNow)
      if (this.#info) this.#info = { ...this.#info, room: state.room }
      const me = { name: state.you.name, color: state.you.color, colorLight: `${state.you.color}33` }
      board.awareness.setLocalStateField('user', me)
      priv?.awareness.setLocalStateField('user', me)
    })
    socket.on('presence', ({ participants }) => this.presence.set(participants))
    socket.on('timer', ({ timer, serverNow }) => this.#timer?.apply(timer, serverNow))
    socket.on('revoked', () => this.#fail(problem('revoked')))

    return () => {
      socket.disconnect()
      this.#socket = null
      board.destroy()
      priv?.destroy()
    }
  }

  /** Sends a timer command; the state comes back by ack and by broadcast (whichever is first). */
  command(cmd: TimerCommand): Promise<CommandResult> {
    const socket = this.#socket
    if (!socket?.connected) return Promise.resolve({ ok: false, code: 'offline', message: 'Not connected: try again in a moment.' })
    return new Promise((resolve) => {
      const timeout = setTimeout(() => resolve({ ok: false, code: 'timeout', message: 'The server did not answer in time.' }), 10_000)
      socket.emit('timer:command', cmd, (reply) => {
        clearTimeout(timeout)
        if (reply.ok) {
          this.#timer?.apply(reply.timer)
          resolve({ ok: true })
        } else resolve({ ok: false, code: reply.error.code, message: reply.error.message })
      })
    })
  }

  #watch(provider: WebsocketProvider, setUp: (up: boolean) => void): void {
    provider.on('status', ({ status }: { status: string }) => {
      setUp(status === 'connected')
      if (status === 'connected') this.#markOnline()
    })
    // 4401/4403/4404 are final: the provider stops retrying and we say why.
    provider.on('closed', ({ code, reason }: { code: number; reason: string }) =>
      this.#fail(problemFor({ closeCode: code, message: reason })),
    )
  }

  #markOnline(): void {
    if (this.#boardUp && this.#socketUp) this.#everOnline = true
  }

  #fail(p: Problem): void {
    this.#problem ??= p
    this.#socket?.disconnect()
    this.#boardProvider?.disconnect()
    this.#privateProvider?.disconnect()
  }
}

export const [getRoom, setRoom] = createContext<RoomSession>()
