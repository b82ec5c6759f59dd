import { z } from 'zod'

export const Role = z.enum(['interviewer', 'candidate', 'observer'])
export type Role = z.infer<typeof Role>

/** The shared board (canvas + step notes) and the interviewers' private notes. */
export const DocName = z.enum(['board', 'private'])
export type DocName = z.infer<typeof DocName>

/** Who may do what (DESIGN.md, "Roles and tokens"). The role always comes from a verified token. */
export const can = {
  readDoc: (role: Role, doc: DocName) => doc === 'board' || role === 'interviewer',
  writeDoc: (role: Role, doc: DocName) => (doc === 'board' ? role !== 'observer' : role === 'interviewer'),
  controlTimer: (role: Role) => role === 'interviewer',
  manageLinks: (role: Role) => role === 'interviewer',
  seeHints: (role: Role) => role === 'interviewer',
  /** Watch a round again and read its report: its interviewers always, its candidate once the feedback is shared. */
  replayRound: (role: Role, feedbackShared: boolean) => role === 'interviewer' || (role === 'candidate' && feedbackShared),
} as const

export { docKey, MAX_ROUNDS, NEW_ROUND_CLOSE_CODE, roleInRound, yjsRoomName } from './rounds.js'
