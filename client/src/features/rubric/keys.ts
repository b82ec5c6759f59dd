import type { Score } from '../../../../shared/rubric/scale.js'

/** What a key does with the rubric focused: score the active step, or move between steps. */
export type RubricKeyAction = { type: 'score'; score: Score | null } | { type: 'move'; by: 1 | -1 }

export interface RubricKeyEvent {
  key: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
}

/**
 * 1–4 score the active step, 0 is "no signal", Backspace clears it; J/K or ↓/↑ move between
 * steps. Only with the rubric focused and never in a text field: evidence and feedback are
 * typed, and the canvas and notes keep every key of their own.
 */
export function rubricKey(event: RubricKeyEvent, inEditableField: boolean): RubricKeyAction | null {
  if (inEditableField || event.altKey || event.ctrlKey || event.metaKey) return null
  switch (event.key) {
    case '1':
    case '2':
    case '3':
    case '4':
      return { type: 'score', score: Number(event.key) as 1 | 2 | 3 | 4 }
    case '0':
      return { type: 'score', score: 'no_signal' }
    case 'Backspace':
    case 'Delete':
      return { type: 'score', score: null }
    case 'j':
    case 'J':
    case 'ArrowDown':
      return { type: 'move', by: 1 }
    case 'k':
    case 'K':
    case 'ArrowUp':
      return { type: 'move', by: -1 }
    default:
      return null
  }
}

/** The step `by` away from `key`, stopping at either end. */
export function stepAfter(keys: readonly string[], key: string, by: number): string {
  const at = keys.indexOf(key)
  const next = Math.min(keys.length - 1, Math.max(0, (at < 0 ? 0 : at) + by))
  return keys[next] ?? key
}
