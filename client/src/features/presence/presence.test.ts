import { describe, expect, it } from 'vitest'
import type { Participant } from '../../../../shared/protocol/events.js'
import { initials, people, Presence } from './presence.svelte.js'

const p = (id: string, name: string, role: Participant['role'], color: string, joinedAt: string): Participant => ({ id, name, role, color, joinedAt })

describe('presence', () => {
  it('lists interviewers first, then candidates, then observers, each once', () => {
    const list = people([
      p('1', 'Obi', 'observer', '#059669', '2026-01-01T10:00:00Z'),
      p('2', 'Cam', 'candidate', '#db2777', '2026-01-01T10:01:00Z'),
      p('3', 'Ivy', 'interviewer', '#2563eb', '2026-01-01T10:02:00Z'),
      p('4', 'Cam', 'candidate', '#db2777', '2026-01-01T10:03:00Z'),
    ])
    expect(list.map((x) => x.id)).toEqual(['3', '2', '1'])
  })

  it('makes initials from names', () => {
    expect(initials('Ada Lovelace')).toBe('AL')
    expect(initials('ada')).toBe('AD')
    expect(initials('  ')).toBe('?')
    expect(initials('Jean-Luc de Picard')).toBe('JP')
  })

  it('knows which entry is you', () => {
    const you = p('9', 'Me', 'candidate', '#000000', '2026-01-01T10:00:00Z')
    const presence = new Presence()
    presence.set([you], you)
    expect(presence.isYou(you)).toBe(true)
    expect(presence.isYou(p('8', 'Other', 'candidate', '#111111', 'x'))).toBe(false)
  })
})
