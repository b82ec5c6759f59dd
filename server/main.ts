import { ConfigError, loadConfig } from './config.js'
import { DataDirLockedError } from './db/data-dir-lock.js'
import { createLogger } from './log.js'
import { startServer } from './server.js'

const SHUTDOWN_DEADLINE_MS = 10_000

let config
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`stepwise: ${err.message}\n`)
    process.exit(2)
  }
  throw err
}

const log = createLogger(config.LOG_LEVEL)
// A promise someone forgot to await (a library's publish to a Redis that is down, say) is a bug to
// log, not a reason to drop every room this node serves.
process.on('unhandledRejection', (reason) => {
  log.error('unhandled rejection', { error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) })
})

let server
try {
  server = await startServer(config, { log })
} catch (err) {
  if (err instanceof DataDirLockedError) {
    process.stderr.write(`stepwise: ${err.message}\n`)
    process.exit(1)
  }
  throw err
}
let signals = 0
const shutdown = (signal: string) => {
  signals++
  if (signals > 1) {
    // A second signal does not skip the flush: it only says we heard it.
    process.stderr.write(`stepwise: ${signal} again; still flushing, exiting as soon as it is done\n`)
    return
  }
  process.stderr.write(`stepwise: ${signal}, shutting down\n`)
  const deadline = setTimeout(() => {
    process.stderr.write('stepwise: shutdown took over 10 s; exiting\n')
    process.exit(1)
  }, SHUTDOWN_DEADLINE_MS)
  deadline.unref()
  server.close().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`stepwise: shutdown failed: ${String(err)}\n`)
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
// Only now: whoever waits for this line may signal us at once (a pipe write is synchronous on
// Linux, so a signal could otherwise come before the handlers exist and kill us unflushed).
process.stdout.write(`Stepwise is running at ${server.url}\n`)
