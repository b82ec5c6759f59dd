import * as Y from 'yjs'

/**
 * A keyframe's encoding; every row says which. Keyframes are written in v1: loading a room reads
 * and decodes the whole keyframe, and v1 decodes faster. On the hour-long, 100,000-update board of
 * bench/replay-seek.ts, v1 is 336 kB and v2 184 kB, and the room loads in ~21 ms from v1 against
 * ~33 ms from v2 (PGlite, with the bytea codec of db/bytea.ts; before it, PGlite's own codec made
 * the smaller v2 the faster one to read). Rows written in v2 by earlier versions still load.
 */
export type KeyframeFormat = 1 | 2
export const KEYFRAME_FORMAT = 1 satisfies KeyframeFormat

export interface StoredKeyframe {
  state: Uint8Array
  format: number
}

/** A keyframe in KEYFRAME_FORMAT (v1). */
export function encodeKeyframe(doc: Y.Doc): Uint8Array {
  return Y.encodeStateAsUpdate(doc)
}

function applyKeyframe(doc: Y.Doc, frame: StoredKeyframe, origin?: unknown): void {
  if (frame.format === 2) Y.applyUpdateV2(doc, frame.state, origin)
  else Y.applyUpdate(doc, frame.state, origin)
}

/**
 * Rebuilds a document from a keyframe and the updates after it, in one transaction. One update at
 * a time: merging thousands of small updates first is super-linear.
 */
export function applyStored(doc: Y.Doc, frame: StoredKeyframe | null, updates: readonly Uint8Array[], origin?: unknown): void {
  Y.transact(
    doc,
    () => {
      if (frame) applyKeyframe(doc, frame, origin)
      for (const update of updates) Y.applyUpdate(doc, update, origin)
    },
    origin,
  )
}
