type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'> & { key?: (i: number) => string | null; length?: number }

const PREFIX = 'stepwise:kit-edit:'

/** `#edit=abc` → `abc`; null when the fragment carries no edit key. */
export function editTokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('edit')
  return token ? token : null
}

/**
 * A kit's edit key: the link's fragment wins and is remembered on this device (whoever made a
 * kit can publish new versions of it from here later, without keeping the link).
 */
export function kitEditToken(kitId: string, hash: string, store: KeyValueStore | null): string | null {
  const fromHash = editTokenFromHash(hash)
  if (fromHash) {
    rememberKitToken(kitId, fromHash, store)
    return fromHash
  }
  try {
    return store?.getItem(PREFIX + kitId) ?? null
  } catch {
    return null
  }
}

export function rememberKitToken(kitId: string, token: string, store: KeyValueStore | null): void {
  try {
    store?.setItem(PREFIX + kitId, token)
  } catch {
    // Not remembered: the edit link still works.
  }
}

/** The kits this device can edit. */
export function editableKits(store: KeyValueStore | null): Set<string> {
  const ids = new Set<string>()
  try {
    for (let i = 0; i < (store?.length ?? 0); i++) {
      const key = store?.key?.(i)
      if (key?.startsWith(PREFIX)) ids.add(key.slice(PREFIX.length))
    }
  } catch {
    // Storage refused: nothing known.
  }
  return ids
}

/** The link that edits a kit: keep it to publish new versions from another device. */
export function kitEditLink(origin: string, kitId: string, token: string): string {
  return `${origin}/kits/${kitId}#edit=${encodeURIComponent(token)}`
}

export function deviceStorage(): Storage | null {
  try {
    return localStorage
  } catch {
    return null
  }
}
