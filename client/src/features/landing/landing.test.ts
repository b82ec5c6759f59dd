import { describe, expect, it } from 'vitest'
import { createRoomInput } from './landing.svelte.js'

describe('createRoomInput', () => {
  it('sends the chosen kit, question, level, mode and title', () => {
    expect(createRoomInput({ kitId: 'ml-system-design', questionId: 'visual-search', level: 'staff', mode: 'panel', title: '  Loop 3 ' })).toEqual({
      kitId: 'ml-system-design',
      questionId: 'visual-search',
      level: 'staff',
      mode: 'panel',
      title: 'Loop 3',
    })
  })

  it('leaves out "your own question" and an empty title', () => {
    expect(createRoomInput({ kitId: 'ml-system-design', questionId: '', level: 'mid', mode: 'peer', title: '   ' })).toEqual({
      kitId: 'ml-system-design',
      level: 'mid',
      mode: 'peer',
    })
  })
})
