import * as Y from 'yjs'

/**
 * Keyframes are stored in Yjs' v2 encoding: a board's state is mostly struct ids (every canvas
 * drag leaves its map entries behind), which v2 packs about 5× smaller than v1, and loading reads
 * the whole keyframe. Rows from before the switch say `format: 1`.
 */
export const KEYFRAME_FORMAT = 2

export interface StoredKeyframe {
  state: Uint8Array
  format: number
}

export function encodeKeyframe(doc: Y.Doc): Uint8Array {
  return Y.encodeStateAsUpdateV2(doc)
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
