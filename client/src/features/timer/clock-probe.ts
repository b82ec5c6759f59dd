import { type ClockSample, offsetFrom, SYNC_PROBES } from '../../../../shared/timer/clock-sync.js'
import type { RoomSocket } from '../../lib/socket.js'

/** A probe the server has not answered in this long is dropped. */
const PROBE_TIMEOUT_MS = 3000

/**
 * Measures this browser's offset to server time over the room's socket: a few probes one after
 * another, the shortest round trip trusted. Null if none came back (the socket dropped again).
 */
export async function measureOffset(socket: RoomSocket, probes = SYNC_PROBES): Promise<number | null> {
  const samples: ClockSample[] = []
  for (let i = 0; i < probes && socket.connected; i++) {
    const sentAt = Date.now()
    const reply = await new Promise<{ serverNow: number } | null>((resolve) => {
      socket.timeout(PROBE_TIMEOUT_MS).emit('clock:sync', (err: Error | null, answer: { serverNow: number }) => resolve(err ? null : answer))
    })
    if (reply && typeof reply.serverNow === 'number') samples.push({ sentAt, receivedAt: Date.now(), serverNow: reply.serverNow })
  }
  return offsetFrom(samples)
}
