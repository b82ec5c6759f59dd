import { describe, expect, it } from 'vitest'
import { timerShortcut, type KeyLike } from './shortcuts.js'

const key = (code: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  code,
  altKey: true,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
})

describe('timer shortcuts', () => {
  it('maps Alt+S, Alt+arrows and Alt+X to timer actions', () => {
    expect(timerShortcut(key('KeyS'), false)).toBe('toggle')
    expect(timerShortcut(key('ArrowRight'), false)).toBe('next')
    expect(timerShortcut(key('ArrowLeft'), false)).toBe('prev')
    expect(timerShortcut(key('KeyX'), false)).toBe('extend')
  })

  it('leaves keys alone without Alt or with other modifiers', () => {
    expect(timerShortcut(key('KeyS', { altKey: false }), false)).toBeNull()
    expect(timerShortcut(key('KeyS', { ctrlKey: true }), false)).toBeNull()
    expect(timerShortcut(key('ArrowRight', { shiftKey: true }), false)).toBeNull()
    expect(timerShortcut(key('KeyQ'), false)).toBeNull()
  })

  it('never steals keys from an editor or a text field', () => {
    expect(timerShortcut(key('ArrowLeft'), true)).toBeNull()
    expect(timerShortcut(key('KeyS'), true)).toBeNull()
  })
})
