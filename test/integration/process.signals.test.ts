import { afterEach, describe, expect, it } from 'vitest'
import { connectY, createRoom, sleep, waitFor, type YClient } from '../helpers/clients.js'
import { processesPerTest } from '../helpers/process.js'
import { dbKind } from '../helpers/server.js'

describe(`the server process under signals (${dbKind})`, () => {
  const { tempDir, start } = processesPerTest('stepwise-proc-')
  const clients: YClient[] = []
  const open = (...args: Parameters<typeof connectY>) => {
    const c = connectY(...args)
    clients.push(c)
    return c
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
  })

  /** Each client appends its own tagged items, so "every edit of both" is a set to compare. */
  const editBurst = async (c: YClient, tag: string, from: number, to: number) => {
    for (let i = from; i < to; i++) {
      c.doc.getArray<string>('log').push([`${tag}${i}`])
      if (i % 3 === 0) c.doc.getText('notes:clarify').insert(0, `${tag}${i} `)
      await sleep(5)
    }
  }
  const items = (c: YClient) => new Set(c.doc.getArray<string>('log').toArray())

  it('after SIGKILL and a restart, the clients reconnect and the document holds every edit of both', async () => {
    const dataDir = tempDir()
    let server = await start({ DATA_DIR: dataDir })
    const { room, tokens } = await createRoom(server.url)
    const a = open(server.url, room.id, tokens.interviewer)
    const b = open(server.url, room.id, tokens.candidate)
    await Promise.all([a.synced, b.synced])

    const editing = Promise.all([editBurst(a, 'a', 0, 60), editBurst(b, 'b', 0, 60)])
    await sleep(120)
    server.child.kill('SIGKILL')
    expect(await server.exited).toBe('SIGKILL')
    await editing // both kept editing while the server was down
    server = await start({ DATA_DIR: dataDir, PORT: String(server.port) })
    await Promise.all([editBurst(a, 'a', 60, 80), editBurst(b, 'b', 60, 80)])

    const expected = new Set([...Array(80).keys()].flatMap((i) => [`a${i}`, `b${i}`]))
    await waitFor(() => items(a).size === 160 && items(b).size === 160, { timeout: 15_000, what: 'both clients converge' })
    expect(items(a)).toEqual(expected)
    expect(a.doc.getText('notes:clarify').toString()).toBe(b.doc.getText('notes:clarify').toString())

    // And the server stored all of it: a newcomer after a clean restart sees every edit.
    await waitFor(async () => {
      const probe = connectY(server.url, room.id, tokens.observer)
      try {
        await probe.synced
        return items(probe).size === 160
      } finally {
        probe.destroy()
      }
    }, { timeout: 10_000, what: 'the server holds every edit' })
  })

  it('SIGTERM flushes every accepted edit before exiting: nothing is lost', async () => {
    const dataDir = tempDir()
    // A long group-commit interval keeps the edits queued in memory when the signal comes.
    let server = await start({ DATA_DIR: dataDir, FLUSH_INTERVAL_MS: '5000' })
    const { room, tokens } = await createRoom(server.url)
    const a = open(server.url, room.id, tokens.candidate)
    const watcher = open(server.url, room.id, tokens.interviewer)
    await Promise.all([a.synced, watcher.synced])
    for (let i = 0; i < 200; i++) a.doc.getArray<string>('log').push([`x${i}`])
    // Once another client has every edit, the server has accepted all of them.
    await waitFor(() => items(watcher).size === 200)
    server.child.kill('SIGTERM')
    server.child.kill('SIGTERM') // a second signal must not skip the flush
    expect(await server.exited, server.stderr()).toBe(0)
    // The clients go away first: whatever the next server has must come from its own storage.
    for (const c of clients.splice(0)) c.destroy()

    server = await start({ DATA_DIR: dataDir })
    const fresh = open(server.url, room.id, tokens.observer)
    await fresh.synced
    expect(items(fresh).size).toBe(200)
  })

  it('SIGTERM exits within 10 seconds with sockets still open', async () => {
    const server = await start({ DATA_DIR: tempDir() })
    const { room, tokens } = await createRoom(server.url)
    const a = open(server.url, room.id, tokens.candidate)
    await a.synced
    const t0 = Date.now()
    server.child.kill('SIGTERM')
    expect(await server.exited, server.stderr()).toBe(0)
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('a bad configuration value stops the start with one line naming the variable', async () => {
    await expect(start({ DATA_DIR: tempDir(), PORT: 'eighty' })).rejects.toThrow(/exited with 2 .*PORT/s)
    await expect(start({ DATA_DIR: tempDir(), DATABASE_URL: 'mysql://x' })).rejects.toThrow(/DATABASE_URL/)
  })
})

