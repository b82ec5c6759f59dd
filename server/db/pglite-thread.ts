import { Worker } from 'node:worker_threads'
import type { HostReply, HostRequest } from './pglite-protocol.js'

type Request = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

/** What drizzle's PGlite driver calls on its client (query, transaction) and what the server adds. */
export interface PGliteQueryable {
  query<T>(sql: string, params?: unknown[], options?: { rowMode?: 'array' | 'object'; parsers?: Record<number, unknown> }): Promise<{ rows: T[]; fields: unknown[]; affectedRows?: number }>
  exec(sql: string): Promise<unknown>
  /** COPY … FROM '/dev/blob' (the statement) with `bytes` as that file. */
  copyFrom(sql: string, bytes: Uint8Array): Promise<void>
}

/** An error the database raised, with its Postgres fields (code, detail, …). */
export class PGliteThreadError extends Error {
  constructor(message: string, fields: Record<string, string | number>) {
    super(message)
    Object.assign(this, fields)
    this.name = 'DatabaseError'
  }
}

/**
 * Embedded PGlite on a thread of its own (pglite-host.ts), behind the same calls drizzle makes on
 * a PGlite. PGlite runs Postgres in this process: on the server's thread, every statement held the
 * event loop, the update log's group commit for 1.5–4 ms, and a commit whose synchronous file
 * write met the disk's writeback for 40–90 ms (profiled at 400 rooms). Here the event loop only
 * posts a message and gets one back.
 */
export class PGliteThread implements PGliteQueryable {
  readonly #worker: Worker
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>()
  #nextId = 1
  #failed: Error | null = null

  private constructor(worker: Worker) {
    this.#worker = worker
    worker.on('message', (reply: HostReply) => {
      const waiting = this.#pending.get(reply.id)
      if (!waiting) return
      this.#pending.delete(reply.id)
      if (reply.error) waiting.reject(new PGliteThreadError(reply.error.message, reply.error.fields))
      else waiting.resolve(reply.result)
    })
    const lost = (err: Error) => {
      this.#failed = err
      for (const waiting of this.#pending.values()) waiting.reject(err)
      this.#pending.clear()
    }
    worker.on('error', (err) => lost(new Error(`the embedded database stopped: ${err.message}`)))
    worker.on('exit', (code) => lost(new Error(`the embedded database's thread exited (${code})`)))
  }

  /** Starts the thread and opens (creating if needed) the database in `dataDir`. */
  static async open(dataDir: string): Promise<PGliteThread> {
    const worker = new Worker(new URL('./pglite-boot.mjs', import.meta.url), { workerData: { dataDir } })
    const thread = new PGliteThread(worker)
    // Request 0 is the thread's "ready", sent once the database is open.
    await new Promise((resolve, reject) => thread.#pending.set(0, { resolve, reject }))
    return thread
  }

  #send(request: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.#failed) return Promise.reject(this.#failed)
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#worker.postMessage({ ...request, id }, transfer)
    })
  }

  #on(tx: number | null): PGliteQueryable {
    return {
      query: async <T>(sql: string, params: unknown[] = [], options: { rowMode?: 'array' | 'object'; parsers?: Record<number, unknown> } = {}) =>
        (await this.#send({
          op: 'query',
          tx,
          sql,
          params,
          rowMode: options.rowMode,
          // drizzle's parsers only keep some types as text (dates, intervals); the thread does the same.
          textTypes: Object.keys(options.parsers ?? {}).map(Number),
        })) as { rows: T[]; fields: unknown[]; affectedRows?: number },
      exec: (sql: string) => this.#send({ op: 'exec', tx, sql }),
      copyFrom: async (sql: string, bytes: Uint8Array) => {
        // A view would carry its whole buffer across: send an exact copy (not Buffer#slice, a
        // view), moved rather than cloned.
        const exact = new Uint8Array(bytes)
        await this.#send({ op: 'copy', tx, sql, bytes: exact }, [exact.buffer])
      },
    }
  }

  /** Statements on their own, outside any transaction. */
  readonly #alone = this.#on(null)
  readonly query = this.#alone.query
  readonly exec = this.#alone.exec
  readonly copyFrom = this.#alone.copyFrom

  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: PGliteQueryable) => Promise<T>): Promise<T> {
    const tx = (await this.#send({ op: 'begin' })) as number
    let result: T
    try {
      result = await fn(this.#on(tx))
    } catch (err) {
      await this.#send({ op: 'end', tx, commit: false }).catch(() => {})
      throw err
    }
    await this.#send({ op: 'end', tx, commit: true })
    return result
  }

  async close(): Promise<void> {
    if (!this.#failed) await this.#send({ op: 'close' }).catch(() => {})
    await this.#worker.terminate()
  }
}
