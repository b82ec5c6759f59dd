import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { AppError, httpStatus, RESYNC_CLOSE_CODE, wsCloseCode } from '../../shared/errors.js'
import { can, type DocName, docKey } from '../../shared/rooms/roles.js'
import { type Caller, roleOf } from '../auth/access.js'
import type { Sessions } from '../auth/sessions.js'
import type { Logger } from '../log.js'
import { type DocConnection, type LiveDoc, MissingDependency } from './live-doc.js'
import type { LiveDocs } from './live-docs.js'
import { binaryFrame } from './ws-frame.js'
import { isSilent, seesSilent } from '../../shared/rooms/links.js'

const PATH = /^\/yjs\/([A-Za-z0-9_-]{1,64})(?:\/r([1-9][0-9]?))?(\/private)?\/?$/
const PING_INTERVAL_MS = 30_000

export interface YjsEndpointDeps {
  docs: LiveDocs
  sessions: Sessions
  log: Logger
  maxMessageBytes: number
  authenticate(token: string | null, roomId: string): Promise<Caller>
}

/** A socket's view of one document: which, and whether it may write. */
interface DocAccess {
  key: string
  canWrite: boolean
}

/**
 * The y-websocket endpoint: `/yjs/<roomId>` (board) and `/yjs/<roomId>/private` (interviewers),
 * and for later rounds of a peer room `/yjs/<roomId>/r2` and `/yjs/<roomId>/r2/private`.
 * Auth happens before the upgrade, so a refused client gets a plain HTTP status.
 */
export function createYjsEndpoint(deps: YjsEndpointDeps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxMessageBytes, perMessageDeflate: false })
  let accepting = true

  // Half-open sockets (a laptop lid closed mid-interview) are found by ping and cleaned up.
  const alive = new WeakSet<WebSocket>()
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate()
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, PING_INTERVAL_MS)
  pinger.unref()

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = PATH.exec(url.pathname)
    if (!match) return false
    const roomId = match[1]!
    const round = match[2] ? Number(match[2]) : 1
    const kind: DocName = match[3] ? 'private' : 'board'
    socket.on('error', () => {})
    if (!accepting) {
      refuse(socket, 503, 'unavailable', 'the server is shutting down')
      return true
    }
    let caller: Caller
    let access: DocAccess
    try {
      caller = await deps.authenticate(url.searchParams.get('token'), roomId)
      if (round > caller.round) throw new AppError('not_found', `round ${round} has not started`)
      // The role the link played in that round: private notes stay with whoever interviewed then.
      const role = roleOf(caller, round)
      if (!can.readDoc(role, kind)) throw new AppError('forbidden', 'only the interviewer can open the private notes')
      // A past round is kept as it was: read-only for everyone.
      access = { key: docKey(kind, round), canWrite: round === caller.round && can.writeDoc(role, kind) }
    } catch (err) {
      if (err instanceof AppError) refuse(socket, httpStatus[err.code], err.code, err.message)
      else {
        deps.log.error('yjs auth failed', { error: String(err) })
        refuse(socket, 500, 'internal', 'internal error')
      }
      return true
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, socket, caller, access))
    return true
  }

  // A relay sends one message to every other socket of the room in a row: frame it once.
  let lastMessage: Uint8Array | null = null
  let lastFrame: Buffer = Buffer.alloc(0)
  const framed = (message: Uint8Array): Buffer => {
    if (message !== lastMessage) {
      lastMessage = message
      lastFrame = binaryFrame(message)
    }
    return lastFrame
  }

  function serve(ws: WebSocket, socket: Duplex, caller: Caller, access: DocAccess): void {
    const name = access.key
    alive.add(ws)
    // ws reports an oversized message (closing with 1009) or a broken frame as an error event.
    ws.on('error', (err) => deps.log.debug('yjs socket error', { room: caller.roomId, error: String(err) }))
    ws.on('pong', () => alive.add(ws))
    ws.binaryType = 'nodebuffer'
    const conn: DocConnection = {
      linkId: caller.linkId,
      canWrite: access.canWrite,
      awarenessIds: new Set(),
      // In a hiring panel the observers are silent: the candidate never sees their cursors.
      silent: isSilent(caller.mode, caller.role),
      seesSilent: seesSilent(caller.mode, caller.role),
      send(message) {
        if (ws.readyState !== WebSocket.OPEN) return
        // Straight onto the socket ws speaks on (no compression, so its sender never queues): the
        // same frame bytes for every recipient of a relay, one write each, ~4.8 µs a send against
        // ~6.9 through ws.send (measured with 200 sockets). A write error reaches ws as the
        // socket's 'error', and ws closes it.
        socket.write(framed(message))
      },
      close(code, reason) {
        refused = true
        ws.close(code, reason)
      },
    }
    const unregister = deps.sessions.add(caller.linkId, () => conn.close(wsCloseCode.unauthorized, 'invite link revoked'))
    // Messages may arrive while the document loads: keep them, in order, until it is ready.
    let doc: LiveDoc | null = null
    let queue: Buffer[] | null = []
    let closed = false
    /** Closed by the server: what the socket sent after that (already in flight) is not read. */
    let refused = false

    const handle = (data: Buffer) => {
      if (refused) return
      try {
        doc!.receive(conn, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      } catch (err) {
        // A refused message changes nothing; only this socket is closed. One that depends on what
        // the server lacks gets a code providers reconnect on (and resync); the others do not.
        const message = err instanceof AppError || err instanceof MissingDependency ? err.message : 'malformed message'
        const code = err instanceof MissingDependency ? RESYNC_CLOSE_CODE : err instanceof AppError ? wsCloseCode[err.code] : wsCloseCode.invalid
        deps.log.warn('yjs message refused', { room: caller.roomId, doc: name, reason: message })
        conn.close(code, truncateReason(message))
      }
    }

    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        conn.close(1003, 'binary messages only')
        return
      }
      if (queue) queue.push(data)
      else handle(data)
    })
    ws.on('close', () => {
      closed = true
      unregister()
      if (doc) deps.docs.leave(doc, conn)
    })

    deps.docs.join(caller.roomId, name, conn).then(
      (joined) => {
        doc = joined
        if (closed) {
          deps.docs.leave(joined, conn)
          return
        }
        const pending = queue!
        queue = null
        for (const data of pending) {
          if (ws.readyState !== WebSocket.OPEN) break
          handle(data)
        }
      },
      (err) => {
        deps.log.error('yjs doc load failed', { room: caller.roomId, doc: name, error: String(err) })
        conn.close(1011, 'could not load the document')
      },
    )
  }

  return {
    handleUpgrade,
    /** Refuses new sockets and closes the open ones with "going away" so clients reconnect elsewhere. */
    async close(): Promise<void> {
      accepting = false
      clearInterval(pinger)
      const closing = [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve()
            ws.once('close', () => resolve())
            ws.close(1001, 'server shutting down')
            setTimeout(() => {
              ws.terminate()
              resolve()
            }, 2000).unref()
          }),
      )
      await Promise.all(closing)
      wss.close()
    },
  }
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } })
  socket.end(
    `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

function statusText(status: number): string {
  return { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status] ?? 'Error'
}

/** A close reason is at most 123 bytes of UTF-8 (RFC 6455); ws throws on a longer one. */
function truncateReason(reason: string): string {
  let out = reason.slice(0, 120)
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1)
  return out
}
