import { PGlite } from '@electric-sql/pglite'
import { describe, expect, it } from 'vitest'
import { pgliteByteaCodec } from './bytea.js'
import { copyBinary } from './copy-binary.js'

describe('COPY binary rows', () => {
  it('lands every kind of value in Postgres as it was', async () => {
    const db = await PGlite.create({ ...pgliteByteaCodec })
    try {
      await db.exec('create table t (s text, i int4, n int8, at timestamptz, b bytea, maybe text)')
      const at = new Date('2026-11-26T08:30:12.345Z')
      const rows = [
        [{ text: 'room_A-1' }, { int4: 2 }, { int8: 2 ** 40 + 7 }, { timestamptz: at }, { bytea: new Uint8Array([0, 255, 7]) }, null],
        [{ text: 'notes:clarify · é 🙂' }, { int4: -1 }, { int8: 0 }, { timestamptz: new Date(Date.UTC(1999, 11, 31, 23, 59, 59)) }, { bytea: new Uint8Array() }, { text: '' }],
      ]
      await db.query(`copy t (s, i, n, at, b, maybe) from '/dev/blob' with (format binary)`, [], { blob: new Blob([copyBinary(rows)]) })
      const { rows: back } = await db.query<{ s: string; i: number; n: string; at: Date; b: Uint8Array; maybe: string | null }>(
        'select s, i, n::text as n, at, b, maybe from t order by i desc',
      )
      expect(back).toEqual([
        { s: 'room_A-1', i: 2, n: String(2 ** 40 + 7), at, b: new Uint8Array([0, 255, 7]), maybe: null },
        { s: 'notes:clarify · é 🙂', i: -1, n: '0', at: new Date(Date.UTC(1999, 11, 31, 23, 59, 59)), b: new Uint8Array(), maybe: '' },
      ])
    } finally {
      await db.close()
    }
  })

  it('refuses an invalid date rather than writing a wrong time', () => {
    expect(() => copyBinary([[{ timestamptz: new Date(Number.NaN) }]])).toThrow(/invalid date/)
  })
})
