import * as decoding from 'lib0/decoding'

/** One logged Yjs update: its place in the doc's log, when the server received it, and its bytes. */
export interface Frame {
  seq: number
  /** Server time (ms since epoch). */
  at: number
  update: Uint8Array
}

/**
 * Reads the body of `GET /replay/updates`: a varUint count, then per update varUint seq, varUint
 * time and varUint8Array bytes (lib0 encoding, as the server writes it).
 */
export function decodeFrames(bytes: Uint8Array): Frame[] {
  const decoder = decoding.createDecoder(bytes)
  const count = decoding.readVarUint(decoder)
  const frames: Frame[] = []
  for (let i = 0; i < count; i++) {
    const seq = decoding.readVarUint(decoder)
    const at = decoding.readVarUint(decoder)
    frames.push({ seq, at, update: decoding.readVarUint8Array(decoder) })
  }
  return frames
}
