import { PGlite } from '@electric-sql/pglite'
import { describe, expect, it } from 'vitest'
import { byteaToHex, hexToBytea, pgliteByteaCodec } from './bytea.js'

describe('the bytea codec for PGlite', () => {
  it('round-trips every byte value through Postgres', async () => {
    const db = await PGlite.create({ ...pgliteByteaCodec })
    try {
      const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256)
      await db.query('create table t (b bytea)')
      await db.query('insert into t values ($1)', [bytes])
      const { rows } = await db.query<{ b: Uint8Array; hex: string }>(`select b, encode(b, 'hex') as hex from t`)
      expect(rows[0]!.b).toEqual(bytes)
      expect(rows[0]!.hex).toBe(byteaToHex(bytes).slice(2))
      // An empty value, and a view into a larger buffer, are bytes like any other.
      const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4)
      const { rows: more } = await db.query<{ a: Uint8Array; b: Uint8Array }>('select $1::bytea as a, $2::bytea as b', [new Uint8Array(), view])
      expect(more[0]!.a).toEqual(new Uint8Array())
      expect(more[0]!.b).toEqual(new Uint8Array([1, 2, 3]))
    } finally {
      await db.close()
    }
  })

  it('refuses what is not bytes or not hex', () => {
    expect(() => hexToBytea('abc')).toThrow(/hex format/)
    expect(() => hexToBytea('\\xzz')).toThrow(/malformed/)
    expect(() => pgliteByteaCodec.serializers[17]('text')).toThrow(/Uint8Array/)
  })
})
