/** The two pages of the client, read from the location (the token rides in the fragment). */
export type Route = { page: 'landing' } | { page: 'room'; roomId: string } | { page: 'not-found' }

const ROOM_PATH = /^\/r\/([A-Za-z0-9_-]{1,64})\/?$/

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/index.html') return { page: 'landing' }
  const match = ROOM_PATH.exec(pathname)
  return match ? { page: 'room', roomId: match[1]! } : { page: 'not-found' }
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
  const key = `stepwise:token:${roomId}`
  const fromHash = tokenFromHash(hash)
  if (fromHash) {
    try {
      store.setItem(key, fromHash)
    } catch {
      // Storage can be full or disabled (private mode): the link still works for this load.
    }
    return fromHash
  }
  try {
    return store.getItem(key)
  } catch {
    return null
  }
}
