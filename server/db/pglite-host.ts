/**
 * The embedded database's own thread (see pglite-thread.ts): PGlite runs here, so its work and its
 * synchronous file writes never hold the server's event loop. Requests come from the main thread
 * one message each; every reply names the request it answers.
 */
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import { pgliteByteaCodec } from './bytea.js'
import type { HostReply, HostRequest } from './pglite-protocol.js'

const port = parentPort!
const { dataDir } = workerData as { dataDir: string }

/** A rejection that only means "roll back": the caller already has its own error. */
const ROLLBACK = Symbol('rollback')

interface OpenTransaction {
  tx: Transaction
  end(commit: boolean, replyTo: number): void
}
const transactions = new Map<number, OpenTransaction>()
let nextTransaction = 1

const reply = (message: HostReply) => port.postMessage(message)
const fail = (id: number, err: unknown) => {
  const e = err as Record<string, unknown> | null
  reply({
    id,
    error: {
      message: String(e?.message ?? err),
      // Postgres' fields (code, detail, …) travel with the message.
      fields: Object.fromEntries(Object.entries(e ?? {}).filter((kv): kv is [string, string | number] => typeof kv[1] === 'string' || typeof kv[1] === 'number')),
    },
  })
}

/** drizzle asks for some types as the database's text: these are the parsers that keep it. */
const keepText = (types: number[]) => Object.fromEntries(types.map((oid) => [oid, (value: string) => value]))

// Below the event loop's priority (Linux keeps a nice value per thread): on a busy core the
// server's thread goes first and the log's group commit waits a little, rather than the reverse.
try {
  setPriority(0, 10)
} catch {
  // Not permitted here: the thread runs at the process's priority.
}

/**
 * PGlite runs with fsync off (its default `-F`), so a page torn by a crash of the machine is not
 * something it can recover from anyway; full-page images in the WAL only cost it CPU. Postgres'
 * own documentation of `fsync` says to consider turning `full_page_writes` off with it.
 */
const startParams = [...PGlite.defaultStartParams, '-c', 'full_page_writes=off']

const db = await PGlite.create(dataDir, { ...pgliteByteaCodec, startParams })

const on = (tx: number | null): PGlite | Transaction => {
  if (tx === null) return db
  const open = transactions.get(tx)
  if (!open) throw new Error(`transaction ${tx} is not open`)
  return open.tx
}

async function handle(req: HostRequest): Promise<void> {
  switch (req.op) {
    case 'query': {
      const result = await on(req.tx).query(req.sql, req.params, { rowMode: req.rowMode, parsers: keepText(req.textTypes) })
      return reply({ id: req.id, result })
    }
    case 'exec': {
      const results = await on(req.tx).exec(req.sql)
      return reply({ id: req.id, result: results })
    }
    case 'copy': {
      await on(req.tx).query(req.sql, [], { blob: new Blob([req.bytes as Uint8Array<ArrayBuffer>]) })
      return reply({ id: req.id, result: null })
    }
    case 'begin': {
      const id = nextTransaction++
      let endReply = 0
      db.transaction(
        (tx) =>
          new Promise<void>((resolve, reject) => {
            transactions.set(id, {
              tx,
              end(commit, replyTo) {
                endReply = replyTo
                if (commit) resolve()
                else reject(ROLLBACK)
              },
            })
            reply({ id: req.id, result: id })
          }),
      ).then(
        () => {
          transactions.delete(id)
          reply({ id: endReply, result: null })
        },
        (err) => {
          transactions.delete(id)
          if (err === ROLLBACK) reply({ id: endReply, result: null })
          else if (endReply) fail(endReply, err)
          else fail(req.id, err)
        },
      )
      return
    }
    case 'end': {
      const open = transactions.get(req.tx)
      if (!open) throw new Error(`transaction ${req.tx} is not open`)
      open.end(req.commit, req.id)
      return
    }
    case 'close': {
      await db.close()
      reply({ id: req.id, result: null })
      port.close()
      return
    }
  }
}

port.on('message', (req: HostRequest) => {
  handle(req).catch((err) => fail(req.id, err))
})
reply({ id: 0, result: 'ready' })
