import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { CONNECTION_RETRIES, dbCause, isConnectionError, isConstraintViolation, retryOnConnectionError, sqlState } from './db-errors.js'

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

describe('database errors', () => {
  it('knows a refused or dropped connection from postgres.js, wrapped or not', async () => {
    // Nothing listens on port 1: a real refusal, no server needed.
    const client = postgres('postgres://nobody@127.0.0.1:1/none', { max: 1, connect_timeout: 2, onnotice: () => {} })
    try {
      const refused = await rejection(client`select 1`)
      expect((refused as { code: string }).code).toBe('ECONNREFUSED')
      expect(isConnectionError(refused)).toBe(true)
      // drizzle 0.45 wraps a failed query, the driver's error in `cause`.
      expect(isConnectionError(Object.assign(new Error('Failed query: select 1\nparams: '), { cause: refused }))).toBe(true)
    } finally {
      await client.end({ timeout: 1 })
    }
    for (const code of ['CONNECTION_CLOSED', 'ECONNRESET', 'EPIPE', 'CONNECT_TIMEOUT']) {
      expect(isConnectionError(Object.assign(new Error(`write ${code}`), { code })), code).toBe(true)
    }
    // What pg_terminate_backend makes the server send, and class 08.
    for (const code of ['57P01', '57P02', '57P03', '08006', '08003']) {
      expect(isConnectionError(new postgres.PostgresError({ message: 'terminating connection', code } as never)), code).toBe(true)
    }
  })

  it('does not call a refused statement, a pool we closed ourselves or a plain error a connection error', async () => {
    for (const code of ['23505', '22P02', '42P01', 'P0001', '57014', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']) {
      expect(isConnectionError(Object.assign(new Error('no'), { code })), code).toBe(false)
    }
    expect(isConnectionError(new Error('no code'))).toBe(false)
    expect(isConnectionError(null)).toBe(false)
    expect(isConnectionError('CONNECTION_CLOSED')).toBe(false)
    // A cause that points at itself ends the walk.
    const loop: Error & { cause?: unknown } = new Error('loop')
    loop.cause = loop
    expect(isConnectionError(loop)).toBe(false)
  })

  it('reads the SQLSTATE, message and constraint of a real violation through drizzle, never the statement or the row', async () => {
    const client = await PGlite.create()
    try {
      const db = drizzle({ client })
      await db.execute(sql`create table t (id int primary key, secret text check (length(secret) < 5))`)
      await db.execute(sql`insert into t values (1, 'ok')`)
      const unique = await rejection(db.execute(sql`insert into t values (${1}, ${'rowd'})`))
      expect(String(unique)).toContain('params') // drizzle's own message holds the parameters
      expect(sqlState(unique)).toBe('23505')
      expect(isConstraintViolation(unique)).toBe(true)
      expect(isConnectionError(unique)).toBe(false)
      const cause = dbCause(unique)
      expect(cause).toMatchObject({ code: '23505', message: expect.stringContaining('duplicate key value') })
      expect(JSON.stringify(cause)).not.toContain('rowd')

      const check = await rejection(db.execute(sql`insert into t values (${2}, ${'a long secret'})`))
      expect(dbCause(check)).toMatchObject({ code: '23514', constraint: 't_secret_check' })
      expect(JSON.stringify(dbCause(check))).not.toContain('a long secret')

      const raised = await rejection(db.execute(sql.raw(`do $$ begin raise exception 'refused for the test'; end $$`)))
      expect(dbCause(raised)).toEqual({ code: 'P0001', message: 'refused for the test' })
      expect(isConstraintViolation(raised)).toBe(false)
    } finally {
      await client.close()
    }
    // Starting PGlite takes seconds on a busy machine.
  }, 30_000)

  it('retries on a connection error, a bounded number of times, and never on any other error', async () => {
    const lost = Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })
    let calls = 0
    expect(await retryOnConnectionError(async () => (++calls === 1 ? Promise.reject(lost) : 'second'))).toBe('second')
    expect(calls).toBe(2)

    calls = 0
    const retries: number[] = []
    await expect(retryOnConnectionError(async () => (calls++, Promise.reject(lost)), (_, n) => retries.push(n))).rejects.toBe(lost)
    expect(calls).toBe(1 + CONNECTION_RETRIES)
    expect(retries).toEqual([1, 2])

    calls = 0
    const refused = Object.assign(new Error('duplicate'), { code: '23505' })
    await expect(retryOnConnectionError(async () => (calls++, Promise.reject(refused)))).rejects.toBe(refused)
    expect(calls).toBe(1)
  })
})
