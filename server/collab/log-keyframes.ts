import { and, asc, desc, eq, gt, lte } from 'drizzle-orm'
import * as Y from 'yjs'
import type { Db } from '../db/client.js'
import type { LogWriter, WrittenSeqs } from '../db/log-writer.js'
import { yjsKeyframes, yjsUpdates } from '../db/schema.js'
import type { Logger } from '../log.js'
import { applyStored, encodeKeyframe, KEYFRAME_FORMAT } from './keyframe.js'

/** Documents this node counts rows for at most; past it the counts start over (a keyframe only saves work). */
const MAX_DOCS_COUNTED = 10_000

/**
 * Keyframes for a log that several nodes write (`LogWriter.allocatesSeq`). No node's memory can
 * say which seq its document's state stands for (another node's rows are numbered by the database
 * as they commit, and reach this node a moment later or sooner), so a keyframe is built from the
 * log itself: the latest keyframe and the rows after it up to a seq this node just wrote, applied
 * on a scratch document. It is exactly the state after that seq, as a seek expects. One at a time,
 * after the writes that made it due: a keyframe only saves work when a document loads.
 */
export class LogKeyframes {
  /** Rows this node wrote per document since its last keyframe. */
  readonly #since = new Map<string, number>()
  readonly #due = new Map<string, { roomId: string; doc: string; seq: number }>()
  #running: Promise<void> | null = null

  constructor(
    private readonly db: Db,
    private readonly writer: LogWriter,
    private readonly log: Logger,
    private readonly every: number,
  ) {}

  /** Counts what a write stored; a document that reaches `every` rows gets a keyframe at its last seq. */
  written(docs: readonly WrittenSeqs[]): void {
    for (const w of docs) {
      const key = `${w.roomId}\n${w.doc}`
      const n = (this.#since.get(key) ?? 0) + w.rows
      this.#since.delete(key)
      if (n >= this.every) this.#due.set(key, { roomId: w.roomId, doc: w.doc, seq: w.seq })
      else this.#since.set(key, n)
    }
    if (this.#since.size > MAX_DOCS_COUNTED) for (const key of [...this.#since.keys()].slice(0, this.#since.size - MAX_DOCS_COUNTED)) this.#since.delete(key)
    if (this.#due.size > 0) this.#running ??= this.#run().finally(() => (this.#running = null))
  }

  /** Resolves once no keyframe is being built. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running
  }

  async #run(): Promise<void> {
    for (const [key, at] of this.#due) {
      this.#due.delete(key)
      try {
        await this.#build(at.roomId, at.doc, at.seq)
      } catch (err) {
        // Nothing is lost: the document keyframes again after its next rows.
        this.log.warn('keyframe from the log failed; skipped', { room: at.roomId, doc: at.doc, error: String(err) })
      }
    }
  }

  async #build(roomId: string, doc: string, seq: number): Promise<void> {
    const [frame] = await this.db
      .select({ seq: yjsKeyframes.seq, state: yjsKeyframes.state, format: yjsKeyframes.format })
      .from(yjsKeyframes)
      .where(and(eq(yjsKeyframes.roomId, roomId), eq(yjsKeyframes.doc, doc), lte(yjsKeyframes.seq, seq)))
      .orderBy(desc(yjsKeyframes.seq))
      .limit(1)
    if (frame?.seq === seq) return
    const rows = await this.db
      .select({ seq: yjsUpdates.seq, at: yjsUpdates.at, bytes: yjsUpdates.bytes })
      .from(yjsUpdates)
      .where(and(eq(yjsUpdates.roomId, roomId), eq(yjsUpdates.doc, doc), gt(yjsUpdates.seq, frame?.seq ?? 0), lte(yjsUpdates.seq, seq)))
      .orderBy(asc(yjsUpdates.seq))
    const last = rows.at(-1)
    if (!last) return
    const scratch = new Y.Doc({ gc: true })
    try {
      applyStored(
        scratch,
        frame ?? null,
        rows.map((r) => r.bytes),
      )
      await this.writer.writeKeyframes([{ roomId, doc, seq: last.seq, at: new Date(last.at), state: encodeKeyframe(scratch), format: KEYFRAME_FORMAT }])
    } finally {
      scratch.destroy()
    }
  }
}
