/**
 * Postgres COPY … WITH (FORMAT binary) input, built in one buffer. PGlite runs the database in this
 * process, so parsing is our CPU too: binary rows skip the CSV scanner and the hex decoding of
 * bytea, ~20% less work a row than CSV (measured on the update log: 150 rows 2.1 → 1.7 ms).
 */
export type CopyValue =
  | { text: string }
  | { int4: number }
  | { int8: number }
  | { timestamptz: Date }
  | { bytea: Uint8Array }
  | null

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
/** Postgres counts time in microseconds from 2000-01-01 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1)

function valueLength(v: CopyValue): number {
  if (v === null) return 0
  if ('text' in v) return Buffer.byteLength(v.text, 'utf8')
  if ('int4' in v) return 4
  if ('bytea' in v) return v.bytea.byteLength
  return 8
}

/** Encodes rows (every row the table's columns, in the order the COPY statement names them). */
export function copyBinary(rows: readonly (readonly CopyValue[])[]): Buffer<ArrayBuffer> {
  let size = SIGNATURE.length + 8 + 2
  for (const row of rows) {
    size += 2
    for (const v of row) size += 4 + valueLength(v)
  }
  const out = Buffer.allocUnsafeSlow(size)
  let o = SIGNATURE.copy(out, 0)
  o = out.writeInt32BE(0, o) // flags
  o = out.writeInt32BE(0, o) // header extension length
  for (const row of rows) {
    o = out.writeInt16BE(row.length, o)
    for (const v of row) {
      if (v === null) {
        o = out.writeInt32BE(-1, o)
      } else if ('text' in v) {
        const n = Buffer.byteLength(v.text, 'utf8')
        o = out.writeInt32BE(n, o)
        o += out.write(v.text, o, n, 'utf8')
      } else if ('int4' in v) {
        o = out.writeInt32BE(4, o)
        o = out.writeInt32BE(v.int4, o)
      } else if ('int8' in v) {
        o = out.writeInt32BE(8, o)
        o = out.writeBigInt64BE(BigInt(v.int8), o)
      } else if ('timestamptz' in v) {
        const ms = v.timestamptz.getTime()
        if (!Number.isFinite(ms)) throw new Error('copyBinary: invalid date')
        o = out.writeInt32BE(8, o)
        o = out.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1000n, o)
      } else {
        o = out.writeInt32BE(v.bytea.byteLength, o)
        out.set(v.bytea, o)
        o += v.bytea.byteLength
      }
    }
  }
  o = out.writeInt16BE(-1, o) // trailer
  if (o !== size) throw new Error(`copyBinary: wrote ${o} of ${size} bytes`)
  return out
}
