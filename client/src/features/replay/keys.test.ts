import { describe, expect, it } from 'vitest'
import { replayKey, swallowsKeyUp } from './keys.js'

const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
})

describe('replay keys', () => {
  it('Space plays and pauses, arrows move ten seconds, Shift a minute, Home and End go to the ends', () => {
    expect(replayKey(key(' '), 'other')).toEqual({ type: 'toggle' })
    expect(replayKey(key('ArrowLeft'), 'other')).toEqual({ type: 'skip', ms: -10_000 })
    expect(replayKey(key('ArrowRight'), 'other')).toEqual({ type: 'skip', ms: 10_000 })
    expect(replayKey(key('ArrowRight', { shiftKey: true }), 'other')).toEqual({ type: 'skip', ms: 60_000 })
    expect(replayKey(key('Home'), 'other')).toEqual({ type: 'start' })
    expect(replayKey(key('End'), 'other')).toEqual({ type: 'end' })
    expect(replayKey(key('a'), 'other')).toBeNull()
  })

  it('leaves text fields and modified keys alone; Space on a focused control still plays, and the control does not take it', () => {
    expect(replayKey(key(' '), 'text')).toBeNull()
    expect(replayKey(key('ArrowLeft'), 'text')).toBeNull()
    expect(replayKey(key(' '), 'control')).toEqual({ type: 'toggle' })
    expect(swallowsKeyUp(key(' '), 'control')).toBe(true)
    expect(swallowsKeyUp(key(' '), 'text')).toBe(false)
    expect(swallowsKeyUp(key('Enter'), 'control')).toBe(false)
    expect(replayKey(key('ArrowLeft'), 'control')).toEqual({ type: 'skip', ms: -10_000 })
    expect(replayKey(key('ArrowLeft', { altKey: true }), 'other')).toBeNull()
    expect(replayKey(key('End', { ctrlKey: true }), 'other')).toBeNull()
  })
})
