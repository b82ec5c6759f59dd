import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CopyRows } from './copy-binary.js'
import { PGliteThread } from './pglite-thread.js'

describe('PGlite on its own thread', () => {
  let dir: string
  let db: PGliteThread

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stepwise-pglite-thread-'))
    db = await PGliteThread.open(join(dir, 'db'))
    await db.exec('create table t (k text primary key, n int4, at timestamptz, b bytea)')
  })
  afterAll(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs without full-page images in the WAL, which fsync off (the PGlite default) makes useless', async () => {
    const settings = await db.query<{ name: string; setting: string }>(
      "select name, setting from pg_settings where name in ('fsync', 'full_page_writes', 'synchronous_commit') order by name",
    )
    expect(settings.rows).toEqual([
      { name: 'fsync', setting: 'off' },
      { name: 'full_page_writes', setting: 'off' },
      // A commit still writes its WAL before it returns: a crash of the process loses nothing committed.
      { name: 'synchronous_commit', setting: 'on' },
    ])
  })

  it('answers queries with parameters, bytes and the row shape asked for', async () => {
    await db.query('insert into t (k, n, at, b) values ($1, $2, $3, $4)', ['a', 1, '2026-11-26T10:00:00.007Z', new Uint8Array([0, 255, 7])])
    const objects = await db.query<{ k: string; n: number; b: Uint8Array }>('select k, n, b from t where k = $1', ['a'])
    expect(objects.rows).toEqual([{ k: 'a', n: 1, b: new Uint8Array([0, 255, 7]) }])
    const arrays = await db.query<unknown[]>('select k, n from t where k = $1', ['a'], { rowMode: 'array' })
    expect(arrays.rows).toEqual([['a', 1]])
    // A type drizzle asks to keep as text comes back as the database's text (1184 = timestamptz).
    const text = await db.query<{ at: unknown }>('select at from t', [], { parsers: { 1184: (v: string) => v } })
    expect(typeof text.rows[0]!.at).toBe('string')
    const parsed = await db.query<{ at: unknown }>('select at from t')
    expect(parsed.rows[0]!.at).toEqual(new Date('2026-11-26T10:00:00.007Z'))
  })

  it('commits a transaction that resolves and rolls back one that throws, with its own error', async () => {
    const out = await db.transaction(async (tx) => {
      await tx.query('insert into t (k, n) values ($1, $2)', ['committed', 2])
      return 'done'
    })
    expect(out).toBe('done')
    const refused = new Error('changed my mind')
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into t (k, n) values ($1, $2)', ['rolled back', 3])
        throw refused
      }),
    ).rejects.toBe(refused)
    const keys = (await db.query<{ k: string }>('select k from t order by k')).rows.map((r) => r.k)
    expect(keys).toContain('committed')
    expect(keys).not.toContain('rolled back')
  })

  it('runs a statement sent during a transaction after it, never inside it', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const tx = db.transaction(async (t) => {
      await t.query('insert into t (k, n) values ($1, $2)', ['in tx', 4])
      await held
      throw new Error('roll back')
    })
    await new Promise((r) => setTimeout(r, 20))
    const outside = db.query('insert into t (k, n) values ($1, $2)', ['outside', 5])
    await new Promise((r) => setTimeout(r, 20))
    release()
    await expect(tx).rejects.toThrow('roll back')
    await outside
    const keys = (await db.query<{ k: string }>('select k from t')).rows.map((r) => r.k)
    expect(keys).toContain('outside')
    expect(keys).not.toContain('in tx')
  })

  it("passes the database's error on with its Postgres fields", async () => {
    const err = await db.query('insert into t (k, n) values ($1, $2)', ['committed', 9]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(/duplicate key/)
    expect((err as { code?: string }).code).toBe('23505')
  })

  it('takes COPY input from bytes, in or out of a transaction', async () => {
    await db.copyFrom(`copy t (k, n) from '/dev/blob' with (format binary)`, new CopyRows().row(2).text('copied').int4(6).finish())
    await db.transaction((tx) => tx.copyFrom(`copy t (k, n) from '/dev/blob' with (format binary)`, new CopyRows().row(2).text('copied in tx').int4(7).finish()))
    const rows = (await db.query<{ k: string; n: number }>(`select k, n from t where k like 'copied%' order by n`)).rows
    expect(rows).toEqual([
      { k: 'copied', n: 6 },
      { k: 'copied in tx', n: 7 },
    ])
  })

  it('refuses every call clearly once closed', async () => {
    const other = await PGliteThread.open(join(dir, 'other'))
    await other.close()
    await expect(other.query('select 1')).rejects.toThrow(/embedded database/)
  })
})
