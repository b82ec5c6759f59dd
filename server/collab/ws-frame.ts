/**
 * A server-to-client WebSocket binary message as one frame (RFC 6455 §5.2: FIN, opcode 2, no mask,
 * payload length in 7, 7+16 or 7+64 bits). A relay frames an update once and writes the same bytes
 * to every recipient's socket, one write each, where ws would build a header and cork two writes
 * per recipient.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  const n = payload.byteLength
  const headerLength = n < 126 ? 2 : n < 65536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + n)
  frame[0] = 0x82
  if (n < 126) {
    frame[1] = n
  } else if (n < 65536) {
    frame[1] = 126
    frame.writeUInt16BE(n, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2)
    frame.writeUInt32BE(n >>> 0, 6)
  }
  frame.set(payload, headerLength)
  return frame
}
