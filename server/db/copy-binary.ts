/**
 * Postgres COPY … WITH (FORMAT binary) input. PGlite's parsing is this process's CPU too: binary
 * rows skip the CSV scanner and the hex decoding of bytea, ~20% less work a row than CSV (measured
 * on the update log: 150 rows 2.1 → 1.7 ms).
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
/** Postgres counts time in microseconds from 2000-01-01 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1)
const TWO_32 = 2 ** 32

/**
 * Builds COPY binary input row by row into one growing buffer: the update log encodes each row as
 * it is accepted, so a batch holds no object per update and its input is ready when it is written.
 */
export class CopyRows {
  #buf: Buffer<ArrayBuffer>
  #at = 0
  #rows = 0
  #finished: Buffer<ArrayBuffer> | null = null

  constructor(initialBytes = 16 * 1024) {
    this.#buf = Buffer.allocUnsafeSlow(Math.max(initialBytes, SIGNATURE.length + 10))
    this.#at = SIGNATURE.copy(this.#buf, 0)
    this.#at = this.#buf.writeInt32BE(0, this.#at) // flags
    this.#at = this.#buf.writeInt32BE(0, this.#at) // header extension length
  }

  /** Rows begun so far. */
  get rows(): number {
    return this.#rows
  }

  /** Starts a row of `fields` values; the values follow, in the column order of the COPY statement. */
  row(fields: number): this {
    this.#room(2)
    this.#at = this.#buf.writeInt16BE(fields, this.#at)
    this.#rows++
    return this
  }

  text(value: string): this {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: room for that, then the actual length.
    this.#room(4 + value.length * 3)
    const n = this.#buf.write(value, this.#at + 4, 'utf8')
    this.#buf.writeInt32BE(n, this.#at)
    this.#at += 4 + n
    return this
  }

  int4(value: number): this {
    this.#room(8)
    this.#at = this.#buf.writeInt32BE(4, this.#at)
    this.#at = this.#buf.writeInt32BE(value, this.#at)
    return this
  }

  /** A 64-bit integer from a safe integer (no BigInt on the way). */
  int8(value: number): this {
    if (!Number.isSafeInteger(value)) throw new Error(`CopyRows: ${value} is not a safe integer`)
    this.#room(12)
    const high = Math.floor(value / TWO_32)
    this.#at = this.#buf.writeInt32BE(8, this.#at)
    this.#at = this.#buf.writeInt32BE(high, this.#at)
    this.#at = this.#buf.writeUInt32BE(value - high * TWO_32, this.#at)
    return this
  }

  /** A timestamptz from epoch milliseconds. */
  timestamptz(epochMs: number): this {
    if (!Number.isFinite(epochMs)) throw new Error('CopyRows: invalid date')
    return this.int8(Math.round(epochMs - PG_EPOCH_MS) * 1000)
  }

  bytea(value: Uint8Array): this {
    this.#room(4 + value.byteLength)
    this.#at = this.#buf.writeInt32BE(value.byteLength, this.#at)
    this.#buf.set(value, this.#at)
    this.#at += value.byteLength
    return this
  }

  null(): this {
    this.#room(4)
    this.#at = this.#buf.writeInt32BE(-1, this.#at)
    return this
  }

  /** The COPY input: every row, then the trailer. Rows cannot be added afterwards. */
  finish(): Buffer<ArrayBuffer> {
    if (!this.#finished) {
      this.#room(2)
      this.#at = this.#buf.writeInt16BE(-1, this.#at)
      this.#finished = this.#buf.subarray(0, this.#at)
    }
    return this.#finished
  }

  #room(bytes: number): void {
    if (this.#finished) throw new Error('CopyRows: already finished')
    if (this.#at + bytes <= this.#buf.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#at + bytes))
    this.#buf.copy(grown, 0, 0, this.#at)
    this.#buf = grown
  }
}

/**
 * COPY binary input (as CopyRows writes it) read back into rows of raw field values, null for a
 * NULL. The cold path only: the update log splits a batch the database refused into its rooms.
 */
export function readCopyRows(input: Uint8Array): Array<Array<Buffer | null>> {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('readCopyRows: not COPY binary input')
  // Past the signature and the flags: the header extension's length, then the extension.
  let at = SIGNATURE.length + 4
  at += 4 + buf.readInt32BE(at)
  const rows: Array<Array<Buffer | null>> = []
  for (;;) {
    const fields = buf.readInt16BE(at)
    at += 2
    if (fields === -1) return rows
    const row: Array<Buffer | null> = []
    for (let i = 0; i < fields; i++) {
      const length = buf.readInt32BE(at)
      at += 4
      if (length === -1) row.push(null)
      else {
        row.push(buf.subarray(at, at + length))
        at += length
      }
    }
    rows.push(row)
  }
}

/** Field values of readCopyRows, decoded as CopyRows encoded them. */
export const copyValue = {
  text: (field: Buffer): string => field.toString('utf8'),
  int8: (field: Buffer): number => Number(field.readBigInt64BE(0)),
  timestamptz: (field: Buffer): number => Number(field.readBigInt64BE(0)) / 1000 + PG_EPOCH_MS,
}
