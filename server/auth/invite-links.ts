import type { InviteLink } from '../../shared/rooms/links.js'
import type { LinkRow } from '../db/links.repo.js'
import type { TokenSigner } from './tokens.js'

/** How long an invite link works: long enough for a hiring loop that spans weeks. */
export const LINK_LIFETIME_MS = 60 * 24 * 60 * 60 * 1000

/** The token inside a link; deterministic, so a link can be shown again without storing it. */
export function linkToken(tokens: TokenSigner, link: Pick<LinkRow, 'id' | 'roomId' | 'role' | 'expiresAt'>): string {
  return tokens.sign({ roomId: link.roomId, role: link.role, linkId: link.id, expiresAt: link.expiresAt.getTime() })
}

/** The URL a person opens. The token rides in the fragment, which browsers never send to servers or logs. */
export function linkUrl(publicUrl: string, roomId: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/r/${roomId}#token=${token}`
}

/** A link as interviewers see it; `usage`: who joined through it (links.repo `usageByLink`). */
export function linkView(tokens: TokenSigner, publicUrl: string, link: LinkRow, usage?: { names: string[]; lastJoinedAt: Date }): InviteLink {
  const view: InviteLink = {
    id: link.id,
    role: link.role,
    label: link.label,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    revokedAt: link.revokedAt?.toISOString() ?? null,
    usedBy: usage?.names ?? [],
    lastJoinedAt: usage?.lastJoinedAt.toISOString() ?? null,
    claimedAt: link.claimedAt?.toISOString() ?? null,
  }
  if (!link.revokedAt) {
    view.token = linkToken(tokens, link)
    view.url = linkUrl(publicUrl, link.roomId, view.token)
  }
  return view
}
