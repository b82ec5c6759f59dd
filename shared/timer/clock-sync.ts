// Measuring a client's offset to server time by round trip, as NTP does: the server's time is
// taken to be halfway through the exchange, and the exchange with the shortest round trip (the
// least room for delay) is the one to trust. A one-way reading (serverNow minus the local time a
// message arrived) is always off by the message's delay, which after a reconnect can be long.

/** One probe: local send and receive times, and the server's time in its answer. */
export interface ClockSample {
  sentAt: number
  receivedAt: number
  serverNow: number
}

/** How many probes a measurement sends, one after another. */
export const SYNC_PROBES = 5

/** The offset (server time minus local time) the samples give, or null without any. */
export function offsetFrom(samples: readonly ClockSample[]): number | null {
  let best: ClockSample | null = null
  for (const s of samples) {
    if (s.receivedAt < s.sentAt) continue
    if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s
  }
  return best ? best.serverNow - (best.sentAt + best.receivedAt) / 2 : null
}
