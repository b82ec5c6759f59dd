import type { Sessions } from '../auth/sessions.js'
import type { Db } from '../db/client.js'
import { revokedAmong } from '../db/links.repo.js'
import type { RealtimeNotifier } from '../deps.js'
import type { Logger } from '../log.js'

/** Tries of the room resend, half a second apart: the adapter's connection may come back a moment after ours. */
const RESEND_TRIES = 10
const RESEND_RETRY_MS = 500

/**
 * What a node catches up on once Redis is back after an outage, during which other nodes'
 * broadcasts never reached it: revocations made on another node (each open socket's link is
 * checked in the database), and timer changes (every room here gets its state again).
 */
export function catchUpAfterOutage(deps: { db: Db; sessions: Sessions; realtime: RealtimeNotifier; log: Logger }): void {
  revokedAmong(deps.db, deps.sessions.linkIds()).then(
    (revoked) => {
      for (const linkId of revoked) deps.sessions.revoke(linkId)
      if (revoked.length > 0) deps.log.info('revocations missed during a Redis outage applied', { links: revoked.length })
    },
    (err: unknown) => deps.log.warn('re-checking open links after a Redis outage failed', { error: String(err) }),
  )
  const resend = (triesLeft: number): void => {
    deps.realtime.resyncLocalRooms().catch((err: unknown) => {
      if (triesLeft > 1) setTimeout(() => resend(triesLeft - 1), RESEND_RETRY_MS).unref()
      else deps.log.warn('resending room states after a Redis outage failed', { error: String(err) })
    })
  }
  resend(RESEND_TRIES)
}
