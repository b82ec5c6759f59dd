import type { Role } from '../../../shared/rooms/roles.js'

/** What each invite link lets a person do, in the words shown on the landing page and when joining. */
export const ROLE_INFO: Record<Role, { title: string; summary: string; can: string[] }> = {
  interviewer: {
    title: 'Interviewer',
    summary: 'Runs the interview.',
    can: ['Controls the timer and the steps', 'Sees hints for every step', 'Keeps private notes', 'Draws and writes on the shared board'],
  },
  candidate: {
    title: 'Candidate',
    summary: 'Answers the question.',
    can: ['Draws the system on the shared canvas', 'Writes notes for each step', 'Sees the time left, never the hints'],
  },
  observer: {
    title: 'Observer',
    summary: 'Watches, live.',
    can: ['Sees the canvas, notes and timer live', 'Cannot change anything'],
  },
}

export const ROLE_ORDER: Role[] = ['interviewer', 'candidate', 'observer']
