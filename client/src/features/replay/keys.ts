import { isEditableTarget } from '../timer/shortcuts.js'

export type ReplayAction = { type: 'toggle' } | { type: 'skip'; ms: number } | { type: 'start' } | { type: 'end' }

/** What a key press was aimed at: text (keys are typing), a control (Space presses it), or anything else. */
export type KeyTarget = 'text' | 'control' | 'other'

export function keyTarget(target: EventTarget | null): KeyTarget {
  const el = target as HTMLElement | null
  if (el && typeof el.closest === 'function' && el.closest('input[type=checkbox], input[type=radio], button, a[href], summary')) return 'control'
  return isEditableTarget(target) ? 'text' : 'other'
}

/** Space plays and pauses, ←/→ move ten seconds (a minute with Shift), Home and End go to the ends. */
export function replayKey(event: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }, target: KeyTarget): ReplayAction | null {
  if (target === 'text' || event.altKey || event.ctrlKey || event.metaKey) return null
  const step = event.shiftKey ? 60_000 : 10_000
  switch (event.key) {
    case ' ':
      // A focused button or checkbox takes Space itself: playing too would undo its press.
      return target === 'control' ? null : { type: 'toggle' }
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
