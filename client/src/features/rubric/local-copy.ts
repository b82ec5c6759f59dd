import type { RubricDraft } from './draft.js'

/**
 * An unsaved rubric kept on this device until the server confirms it: a reload, a crash or a
 * dropped connection loses nothing. `base` is the server's copy the edits started from, so a
 * newer server copy can be merged with them field by field.
 */
export interface LocalCopy {
  base: RubricDraft
  baseVersion: number
  draft: RubricDraft
  savedAt: number
}

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export const localCopyKey = (roomId: string, round: number, linkId: string) => `stepwise:rubric:${roomId}:${round}:${linkId}`

export function readLocalCopy(store: KeyValueStore | null, key: string): LocalCopy | null {
  try {
    const raw = store?.getItem(key)
    if (!raw) return null
    const copy = JSON.parse(raw) as Partial<LocalCopy>
    if (!copy.draft?.steps || !copy.base?.steps || typeof copy.baseVersion !== 'number') return null
    return copy as LocalCopy
  } catch {
    return null
  }
}

export function writeLocalCopy(store: KeyValueStore | null, key: string, copy: LocalCopy | null): void {
  try {
    if (copy) store?.setItem(key, JSON.stringify(copy))
    else store?.removeItem(key)
  } catch {
    // Storage full or disabled: the server copy (saved within a second) is what remains.
  }
}

/** localStorage, or nothing where the browser refuses it (private mode, sandboxed frames). */
export function deviceStore(): KeyValueStore | null {
  try {
    return localStorage
  } catch {
    return null
  }
}
