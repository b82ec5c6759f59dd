import { describe, expect, it } from 'vitest'
import { createRoomInput, groupKits } from './landing.svelte.js'

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

describe('groupKits', () => {
  it('lists the built-in kits first, then custom kits by title', () => {
    const kit = (id: string, title: string, builtIn: boolean) => ({ id, title, builtIn, version: 1, description: '', minutes: 45, steps: [] })
    const grouped = groupKits([kit('z-1', 'Zeta loop', false), kit('ml-system-design', 'ML system design', true), kit('a-1', 'Ads ranking', false)])
    expect(grouped.builtIn.map((k) => k.id)).toEqual(['ml-system-design'])
    expect(grouped.custom.map((k) => k.id)).toEqual(['a-1', 'z-1'])
  })
})
