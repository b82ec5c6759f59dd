/** What the interviewer's timer shortcuts do. */
export type TimerAction = 'toggle' | 'next' | 'prev' | 'extend'

export interface KeyLike {
  code: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
}

/**
 * Alt+S start/pause/resume, Alt+→ next, Alt+← previous, Alt+X extend by five minutes.
 * Matched by physical key (`code`), since Alt changes the character on macOS (Alt+S is "ß").
 * Never fires inside an editor or a text field: there Alt+arrows move by word.
 */
export function timerShortcut(event: KeyLike, inEditableField: boolean): TimerAction | null {
  if (inEditableField || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null
  switch (event.code) {
    case 'KeyS':
      return 'toggle'
    case 'ArrowRight':
      return 'next'
    case 'ArrowLeft':
      return 'prev'
    case 'KeyX':
      return 'extend'
    default:
      return null
  }
}

/** True when keys typed at this element belong to text (CodeMirror, inputs, contenteditable). */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false
  const el = target as HTMLElement
  if (el.isContentEditable) return true
  return el.closest('input, textarea, select, [contenteditable="true"], .cm-editor') !== null
}

export const SHORTCUT_HINTS: Record<TimerAction, string> = {
  toggle: 'Alt+S',
  next: 'Alt+→',
  prev: 'Alt+←',
  extend: 'Alt+X',
}
