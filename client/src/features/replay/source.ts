import { api, type ReplayDoc, type ReplayTimeline } from '../../lib/api.js'
import { decodeFrames, type Frame } from './frames.js'

/** Where a replay reads a recorded round from: the server's replay API, or a test's fake. */
export interface ReplaySource {
  timeline(bucketMs?: number): Promise<ReplayTimeline>
  /** The doc at time `t` (an update for a fresh doc) and the last log seq it includes. */
  state(doc: ReplayDoc, t: number): Promise<{ update: Uint8Array; seq: number }>
  /** The updates after log seq `after`, up to time `until`, at most `limit` (`more` when cut). */
  updates(doc: ReplayDoc, after: number, until: number, limit: number): Promise<{ frames: Frame[]; more: boolean }>
}

export function apiSource(roomId: string, token: string, round: number): ReplaySource {
  return {
    timeline: (bucketMs) => api.replay(roomId, token, round, bucketMs),
    state: (doc, t) => api.replayState(roomId, token, round, doc, t),
    updates: async (doc, after, until, limit) => {
      const page = await api.replayUpdates(roomId, token, round, doc, after, until, limit)
      return { frames: decodeFrames(page.bytes), more: page.more }
    },
  }
}
