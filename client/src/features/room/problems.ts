import { DOC_LIMITS } from '../../../../shared/canvas/limits.js'

/** Why a room cannot be shown: each gets its own full-page message. */
export type ProblemKind = 'missing-token' | 'unauthorized' | 'revoked' | 'expired' | 'forbidden' | 'not-found' | 'board-full' | 'refused' | 'unreachable'

export interface Problem {
  kind: ProblemKind
  title: string
  body: string
}

const TEXT: Record<ProblemKind, Omit<Problem, 'kind'>> = {
  'missing-token': {
    title: 'This link is incomplete',
    body: 'Room links carry a key after the # sign. Open the full invite link you were sent, or ask the interviewer to send it again.',
  },
  unauthorized: {
    title: 'This invite link does not work',
    body: 'The link is not valid for this room. Check that you copied all of it, or ask the interviewer for a new one.',
  },
  revoked: {
    title: 'This invite link was revoked',
    body: 'The interviewer turned this link off. If you should still be in the room, ask them for a new link.',
  },
  expired: {
    title: 'This invite link has expired',
    body: 'Invite links work for 60 days. Ask the interviewer for a new one.',
  },
  forbidden: {
    title: 'This link is for another room',
    body: 'The key in this link belongs to a different interview room. Open the link exactly as you received it.',
  },
  'not-found': {
    title: 'There is no such room',
    body: 'The room may have been deleted, or the address is mistyped. Check the link, or create a new room.',
  },
  'board-full': {
    title: 'This board is full',
    body: `Your last change would have taken it past what one board holds (${DOC_LIMITS.nodes.toLocaleString('en')} parts, ${DOC_LIMITS.edges.toLocaleString('en')} connections, ${DOC_LIMITS.textChars.toLocaleString('en')} characters of notes), so it was not saved. Reload the page to carry on from what was saved.`,
  },
  refused: {
    title: 'A change could not be saved',
    body: 'The server could not read a change this page sent, so it kept none of it. Reload the page to carry on from what was saved; everything else you wrote is there.',
  },
  unreachable: {
    title: 'Cannot reach Stepwise',
    body: 'The server did not answer. Check your connection; the page will work again once the server is reachable.',
  },
}

/**
 * Maps an HTTP status, error code or Yjs close code (4400/4401/4403/4404/4413) and the server's message to
 * a problem. The message tells a revoked or expired link apart from a merely wrong one.
 */
export function problemFor(signal: { status?: number; code?: string; closeCode?: number; message?: string }): Problem {
  const message = (signal.message ?? '').toLowerCase()
  let kind: ProblemKind
  if (signal.status === 403 || signal.code === 'forbidden' || signal.closeCode === 4403) kind = 'forbidden'
  else if (signal.status === 404 || signal.code === 'not_found' || signal.closeCode === 4404) kind = 'not-found'
  else if (signal.status === 401 || signal.code === 'unauthorized' || signal.closeCode === 4401) {
    kind = message.includes('revoked') ? 'revoked' : message.includes('expired') ? 'expired' : 'unauthorized'
  } else if (signal.closeCode === 4413) kind = 'board-full'
  else if (signal.closeCode === 4400) kind = 'refused'
  else kind = 'unreachable'
  return { kind, ...TEXT[kind] }
}

export function problem(kind: ProblemKind): Problem {
  return { kind, ...TEXT[kind] }
}
