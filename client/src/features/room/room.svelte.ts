import { createContext } from 'svelte'
import type { RubricsStatusPayload } from '../../../../shared/protocol/events.js'
import type { Role } from '../../../../shared/rooms/roles.js'
import { roleInRound } from '../../../../shared/rooms/rounds.js'
import type { TimerCommand } from '../../../../shared/timer/timer.js'
import { api, ApiError, type RoomInfo } from '../../lib/api.js'
import { openRoomSocket, type RoomSocket } from '../../lib/socket.js'
import { Presence } from '../presence/presence.svelte.js'
import { measureOffset } from '../timer/clock-probe.js'
import { TimerClock } from '../timer/timer.svelte.js'
import { problem, problemFor, type Problem } from './problems.js'
import { RoundDocs, type User } from './round-docs.svelte.js'

export type Connection = 'connecting' | 'online' | 'reconnecting'
export type CommandResult = { ok: true } | { ok: false; code: string; message: string }
type FeedbackEvent = { round: number; sharedAt: string }

/**
 * One open room: what the server says about it (HTTP), the live docs of its current round (Yjs:
 * the board, and the private doc for its interviewer), presence and the timer (socket.io).
 * Peers swap roles round by round: the session follows the room into each new round with fresh
 * docs, and can show a past round read-only beside it. Components read it through context, so
 * two rooms (or a replay beside a room) never share state.
 */
export class RoomSession {
  readonly roomId: string
  readonly token: string | null
  readonly presence = new Presence()
  #info: RoomInfo | null = $state.raw(null)
  #problem: Problem | null = $state.raw(null)
  #timer: TimerClock | null = $state.raw(null)
  /** Server time minus local time, measured by round trip at the last connect (null before). */
  #clockOffset: number | null = null
  /** The current round's docs. */
  #live: RoundDocs | null = $state.raw(null)
  /** A past round being looked at, read-only, with its final timer. */
  #past: { docs: RoundDocs; clock: TimerClock } | null = $state.raw(null)
  #socketUp = $state(false)
  #everOnline = $state(false)
  #socket: RoomSocket | null = null
  #user: User | null = null
  #following: Promise<void> | null = null
  #rubricListeners = new Set<(payload: RubricsStatusPayload) => void>()
  #feedbackListeners = new Set<(payload: FeedbackEvent) => void>()
  #connectListeners = new Set<() => void>()

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
  /** The room's current round. */
  get round(): number {
    return this.#info?.room.round ?? 1
  }
  /** The round on screen: the current one, or a past one looked at read-only. */
  get shownRound(): number {
    return this.#past?.docs.round ?? this.round
  }
  /** True while the current round is on screen. */
  get live(): boolean {
    return this.#past === null
  }
  /** The timer of the round on screen (a past round's as it stood when the next began). */
  get timer(): TimerClock | null {
    return this.#past?.clock ?? this.#timer
  }
  /** The current round's timer, whatever is on screen. */
  get liveTimer(): TimerClock | null {
    return this.#timer
  }
  /** The docs of the round on screen. */
  get docs(): RoundDocs | null {
    return this.#past?.docs ?? this.#live
  }
  /** This person's role in the round on screen. */
  get role(): Role | null {
    return this.#info ? this.roleIn(this.shownRound) : null
  }
  roleIn(round: number): Role {
    const info = this.#info!
    return roleInRound(info.linkRole, round, info.room.mode)
  }
  get isInterviewer(): boolean {
    return this.role === 'interviewer'
  }
  /** Board edits: everyone but observers, in the current round, until its interview ends. */
  get canEditBoard(): boolean {
    return this.#info !== null && this.live && this.#info.role !== 'observer' && !this.ended
  }
  /** The round on screen is over (its interview ended, or a later round began). */
  get ended(): boolean {
    if (!this.live) return true
    return this.#timer?.ended === true || this.#info?.room.endedAt != null
  }
  /** The current round's interview has ended. */
  get liveEnded(): boolean {
    return this.#timer?.ended === true || this.#info?.room.endedAt != null
  }
  /** The board on screen has its first sync: what is shown is the room's content, not an empty doc. */
  get synced(): boolean {
    return this.docs?.synced ?? false
  }
  get connection(): Connection {
    if (this.#live?.boardUp && this.#socketUp) return 'online'
    return this.#everOnline ? 'reconnecting' : 'connecting'
  }

  /**
   * Reads the room as this token's role may see it; a refusal becomes the page's problem. The
   * current round's docs exist from here on (not yet connected), so components can bind to them.
   */
  async load(): Promise<void> {
    if (!this.token) return
    try {
      this.#adopt(await api.room(this.roomId, this.token))
    } catch (err) {
      this.#problem = err instanceof ApiError ? problemFor(err) : problem('unreachable')
    }
  }

  /** Opens the live connections as `name`; returns the cleanup that closes them for good. */
  connect(name: string): () => void {
    if (!this.#info || !this.token || !this.#live) return () => {}
    this.#user = { name, color: '#64748b', colorLight: '#64748b33' }
    this.#live.connect(this.#user)

    const socket = openRoomSocket(this.token, name)
    this.#socket = socket
    socket.on('connect', () => {
      this.#socketUp = true
      this.#markOnline()
      for (const fn of this.#connectListeners) fn()
      void this.#syncClock(socket)
    })
    socket.on('disconnect', (reason) => {
      this.#socketUp = false
      // A server going down for a restart disconnects us on purpose, and socket.io does not retry
      // those: we do, unless we were told why (revoked) and gave up.
      if (reason === 'io server disconnect' && !this.#problem) socket.connect()
    })
    socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: { code?: string; retryAfter?: number } }).data
      // Too many connections from this address (a shared office NAT, a reconnect storm): wait as
      // long as the server says, then try again; socket.io does not retry a refusal by itself.
      if (data?.code === 'rate_limited') {
        setTimeout(() => {
          if (!this.#problem && !socket.connected) socket.connect()
        }, Math.max(1, data.retryAfter ?? 5) * 1000)
        return
      }
      // A refusal by the server's auth is final; anything else is the network, and socket.io retries.
      if (data?.code) this.#fail(problemFor({ code: data.code, message: err.message }))
    })
    socket.on('room:state', (state) => {
      this.presence.set(state.participants, state.you)
      this.#user = { name: state.you.name, color: state.you.color, colorLight: `${state.you.color}33` }
      this.#live?.setUser(this.#user)
      this.#past?.docs.setUser(this.#user)
      // A new round (roles swapped): everything this person may see changes with it.
      if (this.#info && state.room.round !== this.#info.room.round) {
        void this.#follow()
        return
      }
      this.#timer?.apply(state.timer, state.serverNow)
      if (this.#info) this.#info = { ...this.#info, room: state.room }
    })
    socket.on('presence', ({ participants }) => this.presence.set(participants))
    socket.on('timer', ({ timer, serverNow }) => {
      // A timer from a round this client has not followed into yet waits for the round's state.
      if (this.#following) return
      this.#timer?.apply(timer, serverNow)
    })
    socket.on('revoked', () => this.#fail(problem('revoked')))
    socket.on('rubrics', (payload) => {
      for (const fn of this.#rubricListeners) fn(payload)
    })
    socket.on('feedback', (payload) => {
      if (this.#info) {
        const rounds = this.#info.rounds.map((r) => (r.round === payload.round ? { ...r, feedbackShared: true } : r))
        this.#info = { ...this.#info, rounds }
      }
      for (const fn of this.#feedbackListeners) fn(payload)
    })

    return () => {
      socket.disconnect()
      this.#socket = null
      this.#live?.destroy()
      this.#past?.docs.destroy()
    }
  }

  /** Hears who on the panel has submitted (interviewers of a round only). Returns the unsubscribe. */
  onRubrics(fn: (payload: RubricsStatusPayload) => void): () => void {
    this.#rubricListeners.add(fn)
    return () => this.#rubricListeners.delete(fn)
  }
  /** Hears that a round's feedback was shared. Returns the unsubscribe. */
  onFeedback(fn: (payload: FeedbackEvent) => void): () => void {
    this.#feedbackListeners.add(fn)
    return () => this.#feedbackListeners.delete(fn)
  }
  /** Hears the socket connect, and come back after a drop: anything pushed meanwhile was missed. */
  onConnect(fn: () => void): () => void {
    this.#connectListeners.add(fn)
    return () => this.#connectListeners.delete(fn)
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

  /** Swap roles: the next round begins with `questionId` (or one not asked yet in this room). */
  async swapRoles(questionId?: string): Promise<CommandResult> {
    try {
      await api.nextRound(this.roomId, this.token!, questionId)
      // The server tells every socket too; following here as well does not wait for that.
      await this.#follow()
      return { ok: true }
    } catch (err) {
      return err instanceof ApiError ? { ok: false, code: err.code, message: err.message } : { ok: false, code: 'internal', message: String(err) }
    }
  }

  /** Shows a past round read-only (its board, its notes, its final timer), or the current one again. */
  showRound(round: number): void {
    const info = this.#info
    if (!info || !this.token || round === this.shownRound) return
    this.#past?.docs.destroy()
    this.#past = null
    if (round === info.room.round) return
    const summary = info.rounds.find((r) => r.round === round)
    if (!summary) return
    const docs = new RoundDocs(this.roomId, this.token, round, {
      withPrivate: this.roleIn(round) === 'interviewer',
      onClosed: (code, reason) => this.#fail(problemFor({ closeCode: code, message: reason })),
    })
    const clock = new TimerClock(summary.timer ?? info.timer, info.serverNow)
    if (this.#clockOffset !== null) clock.calibrate(this.#clockOffset)
    this.#past = { docs, clock }
    if (this.#user) docs.connect(this.#user)
  }

  /** Reads the room again after a swap and moves to the new round's docs; one at a time. */
  #follow(): Promise<void> {
    this.#following ??= (async () => {
      try {
        const info = await api.room(this.roomId, this.token!)
        if (info.room.round !== this.#info?.room.round) this.#adopt(info)
        else {
          this.#timer?.apply(info.timer, info.serverNow)
          this.#info = info
        }
      } catch (err) {
        if (err instanceof ApiError && err.status !== 0) this.#fail(problemFor(err))
      } finally {
        this.#following = null
      }
    })()
    return this.#following
  }

  /** Takes a room read as the current state: a new round gets new docs and a new clock. */
  #adopt(info: RoomInfo): void {
    const old = this.#live
    this.#past?.docs.destroy()
    this.#past = null
    this.#live = new RoundDocs(this.roomId, this.token!, info.room.round, {
      withPrivate: info.role === 'interviewer',
      onClosed: (code, reason) => this.#fail(problemFor({ closeCode: code, message: reason })),
    })
    this.#live.boardProvider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') this.#markOnline()
    })
    this.#timer = new TimerClock(info.timer, info.serverNow)
    if (this.#clockOffset !== null) this.#timer.calibrate(this.#clockOffset)
    this.#info = info
    if (this.#user) this.#live.connect(this.#user)
    old?.destroy()
  }

  /**
   * Measures the offset to server time by round trip on every (re)connect: a laptop's clock may
   * have moved while it was away, and a greeting delayed in a reconnect would read it wrong.
   */
  async #syncClock(socket: RoomSocket): Promise<void> {
    const offset = await measureOffset(socket)
    if (offset === null || this.#socket !== socket) return
    this.#clockOffset = offset
    this.#timer?.calibrate(offset)
    this.#past?.clock.calibrate(offset)
  }

  #markOnline(): void {
    if (this.#live?.boardUp && this.#socketUp) this.#everOnline = true
  }

  #fail(p: Problem): void {
    this.#problem ??= p
    this.#socket?.disconnect()
    this.#live?.disconnect()
    this.#past?.docs.disconnect()
  }
}

export const [getRoom, setRoom] = createContext<RoomSession>()
