import { sql } from 'drizzle-orm'
import type { Keyframe, LoggedUpdate } from '../collab/doc-store.js'
import type { Db } from './client.js'
import { CopyRows, copyValue, readCopyRows } from './copy-binary.js'
import type { PGliteQueryable } from './pglite-thread.js'
import { yjsKeyframes, yjsUpdates } from './schema.js'

/**
 * Update-log rows encoded as they are appended, in the form their database takes them in: a
 * queued update holds no object of its own and no reference to the socket buffer it came in.
 */
export interface LogBatch {
  readonly rows: number
  add(update: LoggedUpdate): void
}

/**
 * How a database takes the update log: its batch encoding, and the two statements of a group
 * commit. Each statement is atomic on its own, and the store writes a batch's updates before the
 * keyframes that cover them, so no transaction (and no BEGIN/COMMIT round trips) is needed.
 */
export interface LogWriter {
  newBatch(): LogBatch
  /** Writes one batch made by `newBatch`, all or nothing. */
  writeUpdates(batch: LogBatch): Promise<void>
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
    this.#json += `${this.rows++ === 0 ? '' : ','}{"r":${JSON.stringify(u.roomId)},"d":${JSON.stringify(u.doc)},"s":${u.seq},"a":${Math.round(u.at)},"p":${JSON.stringify(u.participantId)},"b":"${bytes}"}`
  }

  get json(): string {
    return `${this.#json}]`
  }

  decode(): LoggedUpdate[] {
    const rows = JSON.parse(this.json) as Array<{ r: string; d: string; s: number; a: number; p: string | null; b: string }>
    return rows.map((r) => ({ roomId: r.r, doc: r.d, seq: r.s, at: r.a, participantId: r.p, bytes: Buffer.from(r.b, 'base64') }))
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
