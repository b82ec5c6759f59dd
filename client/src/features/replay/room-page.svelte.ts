import { roleInRound } from '../../../../shared/rooms/rounds.js'
import type { Role } from '../../../../shared/rooms/roles.js'
import { api, type RoomInfo } from '../../lib/api.js'
import { roomPageLink, roomToken, roundFromSearch, tabStorage } from '../../lib/route.js'
import { problem } from '../room/problems.js'
import { mayReplay, pageProblem, type PageProblem, refusal } from './access.js'

/**
 * A page about one round of a room, apart from the live room (its replay, its report): the token
 * as the room reads it, the room as this token sees it, the round asked for (`?round=`, else the
 * current one) and this person's role in it.
 */
export class RoomPage {
  readonly roomId: string
  readonly token: string | null
  readonly kind: 'replay' | 'report'
  #wantedRound: number | null
  #info: RoomInfo | null = $state.raw(null)
  #problem: PageProblem | null = $state.raw(null)

  constructor(kind: 'replay' | 'report', roomId: string, where: { hash: string; search: string } = location) {
    this.kind = kind
    this.roomId = roomId
    this.token = roomToken(roomId, where.hash, tabStorage())
    this.#wantedRound = roundFromSearch(where.search)
    if (!this.token) {
      const p = problem('missing-token')
      this.#problem = { title: p.title, body: p.body, retry: false, tone: 'error' }
    }
  }

  get info(): RoomInfo | null {
    return this.#info
  }
  get problem(): PageProblem | null {
    return this.#problem
  }
  get round(): number {
    return Math.min(this.#wantedRound ?? Infinity, this.#info?.room.round ?? 1)
  }
  get role(): Role | null {
    const info = this.#info
    return info ? roleInRound(info.linkRole, this.round, info.room.mode) : null
  }
  /** The room itself (the live page). */
  get roomLink(): string {
    return `/r/${encodeURIComponent(this.roomId)}#token=${encodeURIComponent(this.token ?? '')}`
  }
  link(page: 'replay' | 'report'): string {
    return roomPageLink(page, this.roomId, this.token ?? '', this.round)
  }

  /**
   * Reads the room; true when this person may go on. An observer, or a candidate before the
   * feedback is shared, is told at once (the server refuses them too).
   */
  async load(): Promise<boolean> {
    if (!this.token) return false
    try {
      this.#info = await api.room(this.roomId, this.token)
    } catch (err) {
      this.#problem = pageProblem(this.kind, null, err)
      return false
    }
    const shared = this.#info.rounds.find((r) => r.round === this.round)?.feedbackShared ?? false
    if (this.role !== null && !mayReplay(this.role, shared)) {
      this.#problem = refusal(this.kind, this.role)
      return false
    }
    return true
  }

  /** A request of the page failed: its message replaces the page. */
  fail(err: unknown): void {
    this.#problem = pageProblem(this.kind, this.role, err)
  }
}
