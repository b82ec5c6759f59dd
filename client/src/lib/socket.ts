import { io, type Socket } from 'socket.io-client'
import type { ClientToServer, ServerToClient } from '../../../shared/protocol/events.js'

export type RoomSocket = Socket<ServerToClient, ClientToServer>

/** The room's socket.io connection. Websocket only: it must work behind any load balancer without sticky sessions. */
export function openRoomSocket(token: string, name: string): RoomSocket {
  return io({ auth: { token, name }, transports: ['websocket'] })
}
