import type { Participant } from '../../../../shared/protocol/events.js'
import type { Role } from '../../../../shared/rooms/roles.js'

const ROLE_RANK: Record<Role, number> = { interviewer: 0, candidate: 1, observer: 2 }

/**
 * One entry per person: the same invite link open in two tabs is one person (their colour is
 * per link), shown once with the earliest join.
 */
export function people(participants: Participant[]): Participant[] {
  const seen = new Map<string, Participant>()
  for (const p of participants) {
    const key = `${p.role}|${p.name}|${p.color}`
    if (!seen.has(key)) seen.set(key, p)
  }
  return [...seen.values()].sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || a.joinedAt.localeCompare(b.joinedAt))
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return '?'
  const letters = words.length === 1 ? [...words[0]!].slice(0, 2) : [[...words[0]!][0], [...words[words.length - 1]!][0]]
  return letters.join('').toUpperCase()
}

/** Who is in the room, as the server says (socket.io presence). */
export class Presence {
  #participants: Participant[] = $state.raw([])
  #you: Participant | null = $state.raw(null)

  get people(): Participant[] {
    return people(this.#participants)
  }
  get you(): Participant | null {
    return this.#you
  }

  set(participants: Participant[], you?: Participant): void {
    this.#participants = participants
    if (you) this.#you = you
  }

  isYou(p: Participant): boolean {
    return this.#you !== null && (p.id === this.#you.id || (p.name === this.#you.name && p.color === this.#you.color && p.role === this.#you.role))
  }
}
