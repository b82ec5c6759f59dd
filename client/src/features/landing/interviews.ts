import type { Role } from '../../../../shared/rooms/roles.js'
import type { RoomMode } from '../../lib/api.js'
import { deviceStorage } from '../../lib/kit-tokens.js'

/**
 * "Your interviews": the rooms this browser created or opened, kept in its own storage (never on
 * the server), so a person finds yesterday's room, its replay and its report without the
 * original message. Removing one forgets the local copy only.
 */
export interface InterviewEntry {
  roomId: string
  title: string
  /** The role of the link this browser holds (peers swap seats round by round; the link stays). */
  role: Role
  mode: RoomMode
  token: string
  /** When this browser first saw the room, and last opened it (ISO). */
  firstSeenAt: string
  lastOpenedAt: string
  status: InterviewStatus
}
export type InterviewStatus = 'not started' | 'live' | 'ended'

export const INTERVIEWS_KEY = 'stepwise:interviews'
/** Entries kept at most: the oldest opened go first. */
export const MAX_INTERVIEWS = 100

type Store = Pick<Storage, 'getItem' | 'setItem'>

const ROLES = new Set(['interviewer', 'candidate', 'observer'])
const MODES = new Set(['peer', 'panel'])
const STATUSES = new Set(['not started', 'live', 'ended'])

/** What storage holds, keeping only well-formed entries (another version's, or a hand edit, are dropped). */
export function readInterviews(store: Store): InterviewEntry[] {
  let raw: unknown
  try {
    raw = JSON.parse(store.getItem(INTERVIEWS_KEY) ?? '[]')
  } catch {
    return []
  }
  if (!Array.isArray(raw)) return []
  return raw.filter(isEntry).sort((a, b) => b.lastOpenedAt.localeCompare(a.lastOpenedAt))
}

/** Adds a room, or brings it up to date (title, status, the link held, last opened); newest first. */
export function rememberInterview(store: Store, entry: Omit<InterviewEntry, 'firstSeenAt'>): InterviewEntry[] {
  const all = readInterviews(store)
  const known = all.find((e) => e.roomId === entry.roomId && e.token === entry.token) ?? all.find((e) => e.roomId === entry.roomId && e.role === entry.role)
  const updated: InterviewEntry = { ...entry, firstSeenAt: known?.firstSeenAt ?? entry.lastOpenedAt }
  const rest = all.filter((e) => e !== known)
  return write(store, [updated, ...rest].slice(0, MAX_INTERVIEWS))
}

export function forgetInterview(store: Store, roomId: string, token: string): InterviewEntry[] {
  return write(
    store,
    readInterviews(store).filter((e) => !(e.roomId === roomId && e.token === token)),
  )
}

function write(store: Store, entries: InterviewEntry[]): InterviewEntry[] {
  try {
    store.setItem(INTERVIEWS_KEY, JSON.stringify(entries))
  } catch {
    // Storage full or disabled: the list is only not remembered.
  }
  return entries
}

function isEntry(e: unknown): e is InterviewEntry {
  if (typeof e !== 'object' || e === null) return false
  const o = e as Record<string, unknown>
  return (
    typeof o.roomId === 'string' &&
    /^[A-Za-z0-9_-]{1,64}$/.test(o.roomId) &&
    typeof o.title === 'string' &&
    typeof o.token === 'string' &&
    o.token.length > 0 &&
    ROLES.has(o.role as string) &&
    MODES.has(o.mode as string) &&
    STATUSES.has(o.status as string) &&
    typeof o.firstSeenAt === 'string' &&
    typeof o.lastOpenedAt === 'string' &&
    !Number.isNaN(Date.parse(o.firstSeenAt)) &&
    !Number.isNaN(Date.parse(o.lastOpenedAt))
  )
}

/** The room's status as its timer tells it. */
export function statusOf(timer: { status: 'idle' | 'running' | 'paused' | 'ended' }, endedAt: string | null | undefined): InterviewStatus {
  if (endedAt || timer.status === 'ended') return 'ended'
  return timer.status === 'idle' ? 'not started' : 'live'
}

/** This browser's storage for the list (kept across tabs and restarts), or a stand-in that keeps nothing. */
export function interviewStore(): Store {
  return deviceStorage() ?? { getItem: () => null, setItem: () => {} }
}
