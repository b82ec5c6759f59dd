import type { Sessions } from './auth/sessions.js'
import type { TokenSigner } from './auth/tokens.js'
import type { Db } from './db/client.js'
import type { Logger } from './log.js'

/** What the HTTP app and the socket handlers are built from (the composition root fills it). */
export interface Deps {
  db: Db
  driver: 'pglite' | 'postgres'
  tokens: TokenSigner
  sessions: Sessions
  log: Logger
  /** Server time in ms. The only clock; tests may hand in another. */
  clock: () => number
  publicUrl: string
  version: string
  redis: { healthy(): Promise<boolean> } | null
  /** Closes every live socket of a revoked link, on this node and the others. */
  revokeLink(linkId: string): void
}
