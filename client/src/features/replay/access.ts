import { can, type Role } from '../../../../shared/rooms/roles.js'
import { ApiError } from '../../lib/api.js'
import { problemFor } from '../room/problems.js'

/** Who may watch a round again and read its report: its interviewers, its candidate once feedback is shared. */
export function mayReplay(role: Role | null, feedbackShared: boolean): boolean {
  return role !== null && can.replayRound(role, feedbackShared)
}

export interface PageProblem {
  title: string
  body: string
  /** The network, not a refusal: trying again may work. */
  retry: boolean
  /** A refusal by the rules is no error: it reads calmly. */
  tone: 'error' | 'neutral'
}

type Page = 'replay' | 'report'
const NOUN: Record<Page, string> = { replay: 'The replay', report: 'The report' }

/** Why a replay or report cannot be shown to this role: said before asking, and again if the server refuses. */
export function refusal(page: Page, role: Role | null): PageProblem | null {
  if (role === 'observer') {
    return {
      title: 'Observers do not see replays or reports',
      body: 'Replays and reports are for the interviewers, and for the candidate once the feedback is shared. Ask the interviewer if you need one.',
      retry: false,
      tone: 'neutral',
    }
  }
  if (role === 'candidate') {
    return {
      title: `${NOUN[page]} is not open to you yet`,
      body: `${NOUN[page]} opens to you once your interviewer shares their feedback. The room page shows a link to it then.`,
      retry: false,
      tone: 'neutral',
    }
  }
  return null
}

/** A failed request as the page's message: the server's refusals by role, the room's own problems otherwise. */
export function pageProblem(page: Page, role: Role | null, err: unknown): PageProblem {
  if (err instanceof ApiError && err.status === 403) {
    const known = refusal(page, role)
    if (known) return known
  }
  const p = err instanceof ApiError ? problemFor(err) : problemFor({})
  return { title: p.title, body: p.body, retry: p.kind === 'unreachable', tone: 'error' }
}
