import * as Y from 'yjs'

/**
 * A keyframe's encoding, chosen by the database: loading a room reads and decodes the whole
 * keyframe. Measured on an hour-long, 100,000-update board (bench/replay-seek.ts): v1 is 510 kB and
 * decodes in ~43 ms, v2 is 168 kB and decodes in ~54 ms. Over a socket to Postgres the transfer is
 * cheap, so v1 loads faster (49 against 61 ms); PGlite moves bytes through WASM at ~0.1 ms/kB, so
 * v2 wins there (67 against 93 ms). Every row says which it is.
 */
export type KeyframeFormat = 1 | 2

export interface StoredKeyframe {
  state: Uint8Array
  format: number
}

export function encodeKeyframe(doc: Y.Doc, format: KeyframeFormat): Uint8Array {
  return format === 2 ? Y.encodeStateAsUpdateV2(doc) : Y.encodeStateAsUpdate(doc)
}

export function applyKeyframe(doc: Y.Doc, frame: StoredKeyframe, origin?: unknown): void {
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
