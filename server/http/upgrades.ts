import { type IncomingMessage, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'

/** An endpoint that serves some upgrades: resolves false when the request is not its own. */
export interface UpgradeEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean>
}

/**
 * Answers a websocket upgrade with a plain HTTP error and closes the socket. Once an upgrade
 * listener exists, Node leaves every upgrade request to it: one left unanswered holds its socket
 * (and fd) forever, half-open after the client leaves, and keeps `httpServer.close()` waiting at
 * shutdown. So the socket is destroyed once the reply is written, whatever the client does.
 */
export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  socket.on('error', () => {})
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body = JSON.stringify({ error: { code, message } })
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ]
  socket.once('finish', () => socket.destroy())
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

export interface UpgradeRoutes {
  /** Upgrades under this prefix belong to socket.io, whose own listener answers them. */
  socketIoPath: string
  yjs: UpgradeEndpoint
  /** Asked before the Yjs endpoint: a refusal (for example a rate limit) is sent as is. */
  admitYjs?(req: IncomingMessage): { status: number; code: string; message: string; headers?: Record<string, string> } | null
}

/** Every upgrade gets an answer: socket.io's, the Yjs endpoint's, or a 404. */
export function routeUpgrades(routes: UpgradeRoutes) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '/'
    if (url.startsWith(routes.socketIoPath)) return
    if (url === '/yjs' || url.startsWith('/yjs/') || url.startsWith('/yjs?')) {
      const refusal = routes.admitYjs?.(req)
      if (refusal) {
        refuseUpgrade(socket, refusal.status, refusal.code, refusal.message, refusal.headers)
        return
      }
      routes.yjs.handleUpgrade(req, socket, head).then(
        (served) => {
          if (!served) refuseUpgrade(socket, 404, 'not_found', 'no such document')
        },
        () => refuseUpgrade(socket, 500, 'internal', 'internal error'),
      )
      return
    }
    refuseUpgrade(socket, 404, 'not_found', 'no websocket endpoint here')
  }
}
