/** The pages of the client, read from the location (tokens ride in the fragment). */
export type Route =
  | { page: 'landing' }
  | { page: 'room'; roomId: string }
  | { page: 'replay' | 'report' | 'ready'; roomId: string }
  | { page: 'kit'; kitId: string | null }
  | { page: 'not-found' }

const ROOM_PATH = /^\/r\/([A-Za-z0-9_-]{1,64})\/?$/
const ROOM_PAGE_PATH = /^\/r\/([A-Za-z0-9_-]{1,64})\/(replay|report|ready)\/?$/
const KIT_PATH = /^\/kits\/([a-z0-9][a-z0-9-]{0,63})\/?$/

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/index.html') return { page: 'landing' }
  const room = ROOM_PATH.exec(pathname)
  if (room) return { page: 'room', roomId: room[1]! }
  const roomPage = ROOM_PAGE_PATH.exec(pathname)
  if (roomPage) return { page: roomPage[2] as 'replay' | 'report' | 'ready', roomId: roomPage[1]! }
  // `/kits/new` makes a kit; `/kits/<id>` shows one (and edits it with its key in the fragment).
  const kit = KIT_PATH.exec(pathname)
  if (kit) return { page: 'kit', kitId: kit[1] === 'new' ? null : kit[1]! }
  return { page: 'not-found' }
}

/** `#token=abc` → `abc`; null when the fragment carries no token. */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')
  return token ? token : null
}

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>

/**
 * The room's token: the link's fragment wins and is remembered for this tab, so a reload or a
 * fragment lost by navigation still finds it.
 */
export function roomToken(roomId: string, hash: string, store: KeyValueStore): string | null {
  const fromHash = tokenFromHash(hash)
  if (fromHash) {
    rememberToken(roomId, fromHash, store)
    return fromHash
  }
  try {
    return store.getItem(tokenKey(roomId))
  } catch {
    return null
  }
}

/** Keeps a room's token for this tab (a seat of one's own, taken in place of a shared link). */
export function rememberToken(roomId: string, token: string, store: KeyValueStore): void {
  try {
    store.setItem(tokenKey(roomId), token)
  } catch {
    // Storage can be full or disabled (private mode): the link still works for this load.
  }
}

const tokenKey = (roomId: string) => `stepwise:token:${roomId}`

/**
 * A room's replay or report page for a round, carrying the token in the fragment so it opens in
 * a new tab too (a tab's remembered token does not travel with the link).
 */
export function roomPageLink(page: 'replay' | 'report', roomId: string, token: string, round?: number, at?: number): string {
  const query = new URLSearchParams()
  if (round) query.set('round', String(round))
  if (at !== undefined) query.set('t', String(Math.round(at)))
  const search = query.size > 0 ? `?${query}` : ''
  return `/r/${encodeURIComponent(roomId)}/${page}${search}#token=${encodeURIComponent(token)}`
}

/** `?round=2` → 2; null when absent or not a positive integer. */
export function roundFromSearch(search: string): number | null {
  const round = Number(new URLSearchParams(search).get('round'))
  return Number.isInteger(round) && round >= 1 ? round : null
}

/** This tab's storage, or a stand-in where storage is disabled. */
export function tabStorage(): KeyValueStore {
  try {
    return sessionStorage
  } catch {
    return { getItem: () => null, setItem: () => {} }
  }
}
