import type { IncomingMessage } from 'node:http'
import type * as Y from 'yjs'
import type { RubricsStatusPayload } from '../shared/protocol/events.js'
import type { Sessions } from './auth/sessions.js'
import type { TokenSigner } from './auth/tokens.js'
import type { Db } from './db/client.js'
import type { Verdict } from './http/rate-limit.js'
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
  /** Pushes room changes to the sockets in it (socket.io, set up after the HTTP app). */
  realtime: RealtimeNotifier
  /** Closes the Yjs sockets of a room so that they reconnect with fresh rights (after a swap). */
  reopenDocs(roomId: string): Promise<void>
  /** A document as it stands now, with every accepted update (a scratch copy: the caller destroys it). */
  readDoc(roomId: string, docKey: string): Promise<Y.Doc>
  /** Per-address rate limits (RATE_LIMIT_*): each call counts one request from `req`'s client. */
  limits: {
    rooms(req: IncomingMessage): Verdict
    /** Yjs upgrades and socket.io connections, together. */
    connections(req: IncomingMessage): Verdict
  }
  /** How much is live right now (documents in memory, open sockets). */
  liveStats(): { docs: number; sockets: number; socketIo: number }
}

export interface RealtimeNotifier {
  /** Sends every socket of the room a fresh `room:state` (its own `you`, roles of the current round). */
  roomChanged(roomId: string): Promise<void>
  /** Emits only to the sockets that interview in `round`. */
  toInterviewers(roomId: string, round: number, event: 'rubrics', payload: RubricsStatusPayload): Promise<void>
  toRoom(roomId: string, event: 'feedback', payload: { round: number; sharedAt: string }): void
  /**
   * Sends a fresh `room:state` (timer, presence) in every room this node has sockets in: after a
   * Redis outage, in which broadcasts from other nodes (a timer change) were lost.
   */
  resyncLocalRooms(): Promise<void>
}
