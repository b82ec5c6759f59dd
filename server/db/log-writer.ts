import { sql } from 'drizzle-orm'
import type { Keyframe, LoggedUpdate } from '../collab/doc-store.js'
import type { Db } from './client.js'
import { CopyRows, copyValue, readCopyRows } from './copy-binary.js'
import type { PGliteQueryable } from './pglite-thread.js'
import { logFences, yjsKeyframes, yjsUpdates } from './schema.js'

/**
 * Update-log rows encoded as they are appended, in the form their database takes them in: a
 * queued update holds no object of its own and no reference to the socket buffer it came in.
 */
export interface LogBatch {
  readonly rows: number
  add(update: LoggedUpdate): void
}

/** The last seq a write gave a document, and how many rows of it the write held. */
export interface WrittenSeqs {
  roomId: string
  doc: string
  seq: number
  rows: number
}

/**
 * How a database takes the update log: its batch encoding, and the two statements of a group
 * commit. Each statement is atomic on its own, and the store writes a batch's updates before the
 * keyframes that cover them, so no transaction (and no BEGIN/COMMIT round trips) is needed.
 */
export interface LogWriter {
  newBatch(): LogBatch
  /**
   * Writes one batch made by `newBatch`, all or nothing. A writer that numbers the rows itself
   * (`allocatesSeq`: several nodes write one log) says which seqs it gave each document.
   */
  writeUpdates(batch: LogBatch): Promise<readonly WrittenSeqs[] | void>
  /**
   * The database numbers each document's rows as it stores them, in the order it commits them:
   * the `seq` of an appended update is ignored, and no node's memory decides the order.
   */
  readonly allocatesSeq?: boolean
  /**
   * A batch's updates decoded again: the cold path only, when the database refused a batch and
   * the store writes each room's rows on their own. Works on a batch already written or sealed.
   */
  rowsOf(batch: LogBatch): LoggedUpdate[]
  /** Writes keyframes; one already stored for the same document and seq is left as it is. */
  writeKeyframes(keyframes: readonly Keyframe[]): Promise<void>
}

/**
 * Postgres: the rows as one JSON array, inserted by one statement through a single parameter.
 * Drizzle building a 6-parameters-a-row VALUES list cost ~35 µs of server CPU a row; this costs
 * a few. (COPY FROM STDIN would be cheaper still, but postgres.js never settles a COPY that the
 * server refuses once its input has ended, and the log must retry a failed batch.)
 */
class JsonRows implements LogBatch {
  rows = 0
  #json = '['

  add(u: LoggedUpdate): void {
    const bytes = Buffer.from(u.bytes.buffer, u.bytes.byteOffset, u.bytes.byteLength).toString('base64')
    this.#json += `${this.rows++ === 0 ? '' : ','}{"r":${JSON.stringify(u.roomId)},"d":${JSON.stringify(u.doc)},"s":${u.seq},"a":${Math.round(u.at)},"p":${JSON.stringify(u.participantId)},"b":"${bytes}"${u.resent ? ',"o":1' : ''}${u.takenFrom ? `,"f":${JSON.stringify(u.takenFrom)}` : ''}}`
  }

  get json(): string {
    return `${this.#json}]`
  }

  decode(): LoggedUpdate[] {
    const rows = JSON.parse(this.json) as Array<{ r: string; d: string; s: number; a: number; p: string | null; b: string; o?: 1; f?: string }>
    return rows.map((r) => ({
      roomId: r.r,
      doc: r.d,
      seq: r.s,
      at: r.a,
      participantId: r.p,
      bytes: Buffer.from(r.b, 'base64'),
      ...(r.o ? { resent: true as const } : {}),
      ...(r.f ? { takenFrom: r.f } : {}),
    }))
  }
}

export function postgresLogWriter(db: Db): LogWriter {
  return {
    newBatch: () => new JsonRows(),
    async writeUpdates(batch) {
      await db.execute(sql`
        insert into ${yjsUpdates} (room_id, doc, seq, at, participant_id, bytes)
        select r.r, r.d, r.s, timestamptz 'epoch' + r.a * interval '1 millisecond', r.p, decode(r.b, 'base64')
        from json_to_recordset(${as(batch, JsonRows).json}::json) as r(r text, d text, s bigint, a bigint, p text, b text)`)
    },
    rowsOf: (batch) => as(batch, JsonRows).decode(),
    async writeKeyframes(keyframes) {
      await db.insert(yjsKeyframes).values([...keyframes]).onConflictDoNothing()
    },
  }
}

/** Any 64-bit number, the same on every node: the advisory locks of the shared log are keyed by it and a document's key. */
const LOG_LOCK_SEED = 7_340_102

/**
 * Postgres shared by several nodes (REDIS_URL): the database gives each row its seq, the next of
 * its document, so two nodes writing one document can never pick the same seq or wedge each
 * other. A batch's documents are locked first (transaction-scoped advisory locks, in one order on
 * every node, so never a deadlock), then one statement numbers and inserts its rows after the
 * highest stored seq: it sees every row a node committed before it got the locks, so a document's
 * seqs follow the order the database committed its rows in. Costs a transaction (BEGIN, the locks,
 * COMMIT: three round trips) per batch, not per row; a single node keeps `postgresLogWriter`.
 *
 * A row that may be stored already (`resent`: a sync step 2, which a client that moved from
 * another node sends with what the relay has not brought here yet; an update taken over from a
 * dead node, which may have written it, and which every node that held it takes over) is left
 * out if its document has a row with the same bytes, or an earlier row of the batch has them (an
 * update's bytes name its client and clock ranges, so two updates never share them). Under the
 * locks the second writer finds the first's rows, through the index `sharedLogIndex` makes (md5
 * of the bytes); the seqs stay gapless, since rows are numbered after the look. Typing (plain
 * updates, from the one socket that sent them) never pays the look.
 *
 * Except from a node taken for dead: the batch holding what another node took over from it marks
 * it in `log_fences`, and its own rows are looked for from then on (one lookup of our `nodeId` a
 * batch). A node that had only stalled past its key's life, with rows still queued, thus stores
 * none of them a second time: a fence committed before our locks were granted is seen by the
 * statement after them, and a takeover committed after our rows looks for them.
 */
export function postgresSharedLogWriter(db: Db, nodeId: string): LogWriter {
  return {
    allocatesSeq: true,
    newBatch: () => new JsonRows(),
    async writeUpdates(batch) {
      const json = as(batch, JsonRows).json
      return db.transaction(async (tx) => {
        await tx.execute(sql`
          select pg_advisory_xact_lock(k), set_config('enable_seqscan', 'off', true) from (
            select distinct hashtextextended(x.r || '/' || x.d, ${LOG_LOCK_SEED}) as k
            from json_to_recordset(${json}::json) as x(r text, d text)
          ) as docs order by k`)
        // postgres.js answers with the rows themselves (an array).
        const written = (await tx.execute(sql`
          with given as (
            select x.r, x.d, x.a, x.p, decode(x.b, 'base64') as bytes, x.o is not null as resent, x.i
            from rows from (json_to_recordset(${json}::json) as (r text, d text, a bigint, p text, b text, o int)) with ordinality as x(r, d, a, p, b, o, i)
          ),
          fences as (
            insert into ${logFences} (node_id)
            select distinct x.f from json_to_recordset(${json}::json) as x(f text) where x.f is not null
            on conflict do nothing
          ),
          checked as materialized (
            select exists (select 1 from ${logFences} where node_id = ${nodeId}) as all_rows
          ),
          input as materialized (
            select g.* from given g where not g.resent and not (select all_rows from checked)
            union all
            -- One probe of the md5 index a resent row, the first of its bytes in the batch. Without
            -- statistics (a young log) the planner would rather scan the document's rows through
            -- the primary key, or the whole log: the room is compared as an expression, which that
            -- key cannot serve, and sequential scans are off for this transaction (set with the locks).
            select * from (select distinct on (g.r, g.d, g.bytes) g.* from given g where g.resent or (select all_rows from checked) order by g.r, g.d, g.bytes, g.i) as r
            where not exists (
              select 1 from ${yjsUpdates} u
              where md5(u.bytes) = md5(r.bytes) and u.bytes = r.bytes and (u.room_id || '') = r.r and u.doc = r.d
            )
          ),
          base as materialized (
            select docs.r, docs.d, coalesce(last.seq, 0) as seq
            from (select distinct r, d from input) as docs
            left join lateral (
              select u.seq from ${yjsUpdates} u where u.room_id = docs.r and u.doc = docs.d order by u.seq desc limit 1
            ) as last on true
          ),
          stored as (
            insert into ${yjsUpdates} (room_id, doc, seq, at, participant_id, bytes)
            select i.r, i.d, base.seq + row_number() over (partition by i.r, i.d order by i.i),
              timestamptz 'epoch' + i.a * interval '1 millisecond', i.p, i.bytes
            from input i join base on base.r = i.r and base.d = i.d
            returning room_id, doc, seq
          )
          select room_id, doc, max(seq) as seq, count(*) as rows from stored group by room_id, doc`)) as unknown as Array<{ room_id: string; doc: string; seq: string | number; rows: string | number }>
        return written.map((w) => ({ roomId: w.room_id, doc: w.doc, seq: Number(w.seq), rows: Number(w.rows) }))
      })
    },
    rowsOf: (batch) => as(batch, JsonRows).decode(),
    async writeKeyframes(keyframes) {
      await db.insert(yjsKeyframes).values([...keyframes]).onConflictDoNothing()
    },
  }
}

/**
 * The index the shared log's look for rows already stored goes through, made when a node first
 * starts with a shared log, under the migration lock (not by a migration: a single node, PGlite's
 * above all, never maintains it). Not built concurrently: a node waiting for the migration lock
 * holds a snapshot that a concurrent build would wait for, a deadlock. On a deployment whose log
 * is already long, the first shared start holds writes to the log while the index builds
 * (seconds per million rows).
 */
export async function sharedLogIndex(run: (query: string) => Promise<unknown>): Promise<void> {
  await run('create index if not exists yjs_updates_md5 on yjs_updates (md5(bytes))')
}

/** PGlite: COPY binary rows (copy-binary.ts), built as updates arrive. */
class BinaryRows implements LogBatch {
  readonly copy = new CopyRows()

  get rows(): number {
    return this.copy.rows
  }

  add(u: LoggedUpdate): void {
    this.copy.row(6).text(u.roomId).text(u.doc).int8(u.seq).timestamptz(u.at)
    if (u.participantId === null) this.copy.null()
    else this.copy.text(u.participantId)
    this.copy.bytea(u.bytes)
  }

  decode(): LoggedUpdate[] {
    return readCopyRows(this.copy.finish()).map(([roomId, doc, seq, at, participantId, bytes]) => ({
      roomId: copyValue.text(roomId!),
      doc: copyValue.text(doc!),
      seq: copyValue.int8(seq!),
      at: copyValue.timestamptz(at!),
      participantId: participantId ? copyValue.text(participantId) : null,
      // A copy: a view would hold (and send to the database's thread) the whole batch's buffer.
      bytes: new Uint8Array(bytes!),
    }))
  }
}

/**
 * PGlite takes COPY from an in-memory file cheapest, and binary rows cost it less than CSV. (It
 * runs on its own thread, pglite-thread.ts, so its work is off the event loop but still this
 * process's CPU.)
 */
export function pgliteLogWriter(client: PGliteQueryable): LogWriter {
  const copyIn = (table: string, bytes: Uint8Array) => client.copyFrom(`copy ${table} from '/dev/blob' with (format binary)`, bytes)
  return {
    newBatch: () => new BinaryRows(),
    async writeUpdates(batch) {
      await copyIn('yjs_updates (room_id, doc, seq, at, participant_id, bytes)', as(batch, BinaryRows).copy.finish())
    },
    rowsOf: (batch) => as(batch, BinaryRows).decode(),
    async writeKeyframes(keyframes) {
      // One COPY: a busy server writes hundreds in one go, and one statement each stalled the
      // event loop for a third of a second at 400 rooms.
      const copy = new CopyRows()
      for (const k of keyframes) copy.row(6).text(k.roomId).text(k.doc).int8(k.seq).timestamptz(k.at.getTime()).bytea(k.state).int4(k.format)
      await copyIn('yjs_keyframes (room_id, doc, seq, at, state, format)', copy.finish())
    },
  }
}

function as<T>(batch: LogBatch, kind: new () => T): T {
  if (!(batch instanceof kind)) throw new Error(`log batch is not a ${kind.name}: it was made by another writer`)
  return batch
}
