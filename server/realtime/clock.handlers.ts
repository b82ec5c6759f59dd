import type { Deps } from '../deps.js'
import type { RoomSocket } from './socket.js'

/** Answers clock probes with the server's time: clients measure their offset by round trip. */
export function registerClockHandlers(socket: RoomSocket, deps: Pick<Deps, 'clock'>): void {
  socket.on('clock:sync', (ack) => {
    if (typeof ack === 'function') ack({ serverNow: deps.clock() })
  })
}
