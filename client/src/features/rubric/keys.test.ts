import { describe, expect, it } from 'vitest'
import { rubricKey, stepAfter } from './keys.js'

const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods })

describe('rubric keys', () => {
  it('scores with 1–4, 0 for no signal, Backspace to clear', () => {
    expect(rubricKey(key('3'), false)).toEqual({ type: 'score', score: 3 })
    expect(rubricKey(key('0'), false)).toEqual({ type: 'score', score: 'no_signal' })
    expect(rubricKey(key('Backspace'), false)).toEqual({ type: 'score', score: null })
    expect(rubricKey(key('5'), false)).toBeNull()
  })

  it('moves with J/K and the arrows', () => {
    expect(rubricKey(key('j'), false)).toEqual({ type: 'move', by: 1 })
    expect(rubricKey(key('ArrowDown'), false)).toEqual({ type: 'move', by: 1 })
    expect(rubricKey(key('K'), false)).toEqual({ type: 'move', by: -1 })
    expect(rubricKey(key('ArrowUp'), false)).toEqual({ type: 'move', by: -1 })
  })

  it('never takes a key from a text field, nor a chord with a modifier', () => {
    expect(rubricKey(key('3'), true)).toBeNull()
    expect(rubricKey(key('j'), true)).toBeNull()
    expect(rubricKey(key('Backspace'), true)).toBeNull()
    expect(rubricKey(key('1', { ctrlKey: true }), false)).toBeNull()
    expect(rubricKey(key('ArrowDown', { altKey: true }), false)).toBeNull()
  })

  it('stops at the first and last step', () => {
    const keys = ['a', 'b', 'c']
    expect(stepAfter(keys, 'a', 1)).toBe('b')
    expect(stepAfter(keys, 'c', 1)).toBe('c')
    expect(stepAfter(keys, 'a', -1)).toBe('a')
    expect(stepAfter(keys, 'zzz', 1)).toBe('b')
  })
})
