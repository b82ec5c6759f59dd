import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Autosave, OfflineError, type SaveOutcome } from './autosave.svelte.js'

/** A save whose calls are resolved or rejected by the test, one at a time. */
function controlledSave() {
  const calls: { resolve: (o: SaveOutcome) => void; reject: (e: unknown) => void }[] = []
  const run = vi.fn(() => new Promise<SaveOutcome>((resolve, reject) => calls.push({ resolve, reject })))
  return { run, calls }
}

/** Lets every pending promise chain run (the timers are fake; microtasks are not). */
const settle = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve()
}

describe('Autosave', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
  afterEach(() => vi.useRealTimers())

  it('saves once after a pause in typing, not on every keystroke', async () => {
    const { run, calls } = controlledSave()
    const autosave = new Autosave(run, { delayMs: 600 })
    for (let i = 0; i < 5; i++) {
      autosave.touch()
      vi.advanceTimersByTime(200)
    }
    expect(run).not.toHaveBeenCalled()
    expect(autosave.status).toBe('pending')
    vi.advanceTimersByTime(600)
    expect(run).toHaveBeenCalledTimes(1)
    expect(autosave.status).toBe('saving')
    calls[0]!.resolve('saved')
    await settle()
    expect(autosave.status).toBe('saved')
    expect(autosave.unsaved).toBe(false)
  })

  it('never runs two saves at once: edits during a save are saved right after it', async () => {
    const { run, calls } = controlledSave()
    const autosave = new Autosave(run, { delayMs: 10 })
    autosave.touch()
    vi.advanceTimersByTime(10)
    const first = autosave.flush()
    const second = autosave.flush()
    expect(run).toHaveBeenCalledTimes(1)
    calls[0]!.resolve('saved')
    await settle()
    expect(run).toHaveBeenCalledTimes(2)
    calls[1]!.resolve('saved')
    expect(await first).toBe(true)
    expect(await second).toBe(true)
    expect(autosave.status).toBe('saved')
  })

  it('saves again at once after a conflict it resolved, and gives up after too many in a row', async () => {
    const again = vi.fn(async (): Promise<SaveOutcome> => 'again')
    const autosave = new Autosave(again, { maxAgain: 2 })
    expect(await autosave.flush()).toBe(false)
    expect(again).toHaveBeenCalledTimes(3)
    expect(autosave.status).toBe('failed')
    expect(autosave.error).toMatch(/reload/)
  })

  it('offline: says so, retries with backoff, and retries at once when told the connection is back', async () => {
    let online = false
    const run = vi.fn(async (): Promise<SaveOutcome> => {
      if (!online) throw new OfflineError()
      return 'saved'
    })
    const autosave = new Autosave(run, { backoffMs: (n) => n * 1000 })
    expect(await autosave.flush()).toBe(false)
    expect(autosave.status).toBe('offline')
    expect(autosave.unsaved).toBe(true)
    vi.advanceTimersByTime(1000)
    await settle()
    expect(run).toHaveBeenCalledTimes(2)
    expect(autosave.status).toBe('offline')
    online = true
    autosave.retryNow()
    await settle()
    expect(run).toHaveBeenCalledTimes(3)
    expect(autosave.status).toBe('saved')
    // The pending backoff retry was cancelled.
    vi.advanceTimersByTime(10_000)
    await settle()
    expect(run).toHaveBeenCalledTimes(3)
  })

  it('a refused save is failed with its reason, and the next edit tries again', async () => {
    let refuse = true
    const run = vi.fn(async (): Promise<SaveOutcome> => {
      if (refuse) throw new Error('evidence: too long')
      return 'saved'
    })
    const autosave = new Autosave(run, { delayMs: 5 })
    expect(await autosave.flush()).toBe(false)
    expect(autosave).toMatchObject({ status: 'failed', error: 'evidence: too long' })
    refuse = false
    autosave.touch()
    expect(autosave.status).toBe('pending')
    vi.advanceTimersByTime(5)
    await settle()
    expect(autosave.status).toBe('saved')
  })
})
