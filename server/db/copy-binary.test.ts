import { PGlite } from '@electric-sql/pglite'
import { describe, expect, it } from 'vitest'
import { pgliteByteaCodec } from './bytea.js'
import { CopyRows, copyValue, readCopyRows } from './copy-binary.js'

describe('COPY binary rows', () => {
  it('lands every kind of value in Postgres as it was', async () => {
    const db = await PGlite.create({ ...pgliteByteaCodec })
    try {
      await db.exec('create table t (s text, i int4, n int8, at timestamptz, b bytea, maybe text)')
      const at = new Date('2026-11-26T08:30:12.345Z')
      const rows = new CopyRows()
      rows.row(6).text('room_A-1').int4(2).int8(2 ** 40 + 7).timestamptz(at.getTime()).bytea(new Uint8Array([0, 255, 7])).null()
      rows.row(6).text('notes:clarify · é 🙂').int4(-1).int8(0).timestamptz(Date.UTC(1999, 11, 31, 23, 59, 59)).bytea(new Uint8Array()).text('')
      await db.query(`copy t (s, i, n, at, b, maybe) from '/dev/blob' with (format binary)`, [], { blob: new Blob([rows.finish()]) })
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

  it('builds rows one at a time past its first buffer, with 64-bit integers either side of zero', async () => {
    const db = await PGlite.create({ ...pgliteByteaCodec })
    try {
      await db.exec('create table t (n int8, at timestamptz, b bytea)')
      const out = new CopyRows(32)
      const ints = [0, 1, -1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]
      const bytes = new Uint8Array(300).map((_, i) => i % 256)
      for (const n of ints) out.row(3).int8(n).timestamptz(Date.UTC(2026, 10, 26, 10, 0, 0, 7)).bytea(bytes)
      expect(out.rows).toBe(ints.length)
      await db.query(`copy t (n, at, b) from '/dev/blob' with (format binary)`, [], { blob: new Blob([out.finish()]) })
      const { rows } = await db.query<{ n: string; at: Date; b: Uint8Array }>('select n::text as n, at, b from t')
      expect(rows.map((r) => r.n)).toEqual(ints.map(String))
      for (const r of rows) {
        expect(r.at).toEqual(new Date(Date.UTC(2026, 10, 26, 10, 0, 0, 7)))
        expect(r.b).toEqual(bytes)
      }
      expect(out.finish()).toBe(out.finish())
      expect(() => out.row(1)).toThrow(/finished/)
      expect(() => new CopyRows().int8(2 ** 53)).toThrow(/safe integer/)
    } finally {
      await db.close()
    }
  })

  it('refuses an invalid date rather than writing a wrong time', () => {
    expect(() => new CopyRows().row(1).timestamptz(new Date(Number.NaN).getTime())).toThrow(/invalid date/)
  })

  it('reads its rows back field by field, past its first buffer, NULLs as null', () => {
    const out = new CopyRows(32)
    const at = Date.UTC(2026, 10, 26, 10, 0, 0, 7)
    const values = [0, 1, -1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]
    for (const [i, n] of values.entries()) {
      out.row(4).text(`room ${i} · é 🙂`).int8(n).timestamptz(at + i).bytea(new Uint8Array(300).fill(i))
      if (i % 2 === 0) out.row(1).null()
    }
    const rows = readCopyRows(out.finish())
    expect(rows).toHaveLength(values.length + 3)
    const full = rows.filter((r) => r.length === 4)
    expect(full.map((r) => copyValue.text(r[0]!))).toEqual(values.map((_, i) => `room ${i} · é 🙂`))
    expect(full.map((r) => copyValue.int8(r[1]!))).toEqual(values)
    expect(full.map((r) => copyValue.timestamptz(r[2]!))).toEqual(values.map((_, i) => at + i))
    expect(full.map((r) => new Uint8Array(r[3]!))).toEqual(values.map((_, i) => new Uint8Array(300).fill(i)))
    expect(rows.filter((r) => r.length === 1)).toEqual([[null], [null], [null]])
    expect(readCopyRows(new CopyRows().finish())).toEqual([])
    expect(() => readCopyRows(new Uint8Array([1, 2, 3]))).toThrow(/not COPY binary/)
  })
})
