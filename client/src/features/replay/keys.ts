import { isEditableTarget } from '../timer/shortcuts.js'

export type ReplayAction = { type: 'toggle' } | { type: 'skip'; ms: number } | { type: 'start' } | { type: 'end' }

/** What a key press was aimed at: text (keys are typing), a control (Space presses it), or anything else. */
export type KeyTarget = 'text' | 'control' | 'other'

export function keyTarget(target: EventTarget | null): KeyTarget {
  const el = target as HTMLElement | null
  if (el && typeof el.closest === 'function' && el.closest('input[type=checkbox], input[type=radio], button, a[href], summary')) return 'control'
  return isEditableTarget(target) ? 'text' : 'other'
}

/** A control's own Space press fires on key up: in the replay view, Space belongs to play and pause. */
export function swallowsKeyUp(event: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean }, target: KeyTarget): boolean {
  return event.key === ' ' && target === 'control' && !event.altKey && !event.ctrlKey && !event.metaKey
}

/** Space plays and pauses, ←/→ move ten seconds (a minute with Shift), Home and End go to the ends. */
export function replayKey(event: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }, target: KeyTarget): ReplayAction | null {
  if (target === 'text' || event.altKey || event.ctrlKey || event.metaKey) return null
  const step = event.shiftKey ? 60_000 : 10_000
  switch (event.key) {
    case ' ':
      // Wherever focus is, a focused speed button included: the view keeps the button from
      // taking the press too (`swallowsKeyUp`).
      return { type: 'toggle' }
    case 'ArrowLeft':
      return { type: 'skip', ms: -step }
    case 'ArrowRight':
      return { type: 'skip', ms: step }
    case 'Home':
      return { type: 'start' }
    case 'End':
      return { type: 'end' }
    default:
      return null
  }
}
