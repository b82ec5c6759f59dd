import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { ReplayDoc, ReplayTimeline } from '../../lib/api.js'
import type { Frame } from './frames.js'
import { ReplayPlayer, type Scheduler } from './replay.svelte.js'
import type { ReplaySource } from './source.js'

/** A recorded session in memory: a note typed a letter a second from t=1000, and a node added at t=20_000. */
function recording() {
  const log: Frame[] = []
  const doc = new Y.Doc()
  let at = 0
  doc.on('update', (update: Uint8Array) => log.push({ seq: log.length + 1, at, update }))
  for (let i = 0; i < 30; i++) {
    at = 1000 + i * 1000
    doc.getText('notes:clarify').insert(i, String.fromCharCode(97 + (i % 26)))
    if (at === 20_000) doc.getMap('nodes').set('n1', new Y.Map([['label', 'Ranker']]))
  }
  const end = 31_000
  const timeline: ReplayTimeline = {
    round: 1,
    start: 0,
    end,
    durationMs: end,
    live: false,
    serverNow: end,
    steps: [
      { key: 'clarify', title: 'Clarify', plannedMs: 10_000, usedMs: 15_000, segments: [{ start: 1000, end: 16_000 }], startedAt: 1000 },
      { key: 'frame', title: 'Frame', plannedMs: 10_000, usedMs: 15_000, segments: [{ start: 16_000, end: 31_000 }], startedAt: 16_000 },
    ],
    marks: [
      { at: 1000, command: 'start', stepIndex: 0, status: 'running' },
      { at: 16_000, command: 'next', stepIndex: 1, status: 'running' },
      { at: 31_000, command: 'end', stepIndex: 1, status: 'ended' },
    ],
    presence: [],
    activity: { bucketMs: 1000, buckets: log.map((f) => ({ at: f.at, updates: 1, bytes: f.update.length })) },
    docs: ['board'],
  }
  const calls: string[] = []
  const source: ReplaySource = {
    timeline: async (bucketMs) => ({ ...timeline, activity: { ...timeline.activity, bucketMs: bucketMs ?? 10_000 } }),
    state: async (_doc: ReplayDoc, t: number) => {
      calls.push(`state ${t}`)
      const d = new Y.Doc()
      const upTo = log.filter((f) => f.at <= t)
      for (const f of upTo) Y.applyUpdate(d, f.update)
      return { update: Y.encodeStateAsUpdate(d), seq: upTo.at(-1)?.seq ?? 0 }
    },
    updates: async (_doc, after, until, limit) => {
      calls.push(`updates ${after} ${until}`)
      const frames = log.filter((f) => f.seq > after && f.at <= until).slice(0, limit)
      return { frames, more: frames.length === limit }
    },
  }
  return { source, calls }
}

/** Wall time and frames by hand. */
function manualClock(): Scheduler & { advance(ms: number): Promise<void> } {
  let now = 0
  let pending: (() => void) | null = null
  return {
    now: () => now,
    frame: (fn) => {
      pending = fn
      return () => (pending = null)
    },
    async advance(ms) {
      now += ms
      const fn = pending
      pending = null
      fn?.()
      await settle()
    },
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
const notes = (p: ReplayPlayer) => p.docs!.board.getText('notes:clarify').toString()

describe('ReplayPlayer', () => {
  it('opens on the finished board, and Play runs it from the start as time passes', async () => {
    const { source } = recording()
    const clock = manualClock()
    const player = new ReplayPlayer(source, clock)
    await player.load()
    await settle()
    expect(player.position).toBe(31_000)
    expect(notes(player)).toHaveLength(30)
    player.setSpeed(2)
    player.setSkipIdle(false)
    player.play()
    await settle()
    expect(player.position).toBe(1000)
    expect(notes(player)).toBe('a')
    // Two seconds of wall time at 2×: four seconds of the recording.
    await clock.advance(0)
    await clock.advance(2000)
    await clock.advance(0)
    expect(player.position).toBe(5000)
    expect(notes(player)).toBe('abcde')
    expect(player.loading).toBe(false)
    player.pause()
    await clock.advance(5000)
    expect(player.position).toBe(5000)
  })

  it('a seek backwards shows a fresh doc, never the one played further', async () => {
    const { source, calls } = recording()
    const player = new ReplayPlayer(source, manualClock())
    await player.load()
    await settle()
    const before = player.docs!.board
    player.seek(19_500)
    await settle()
    expect(calls.at(-1)).toBe('state 19500')
    expect(player.docs!.board).not.toBe(before)
    expect(player.docs!.board.getMap('nodes').has('n1')).toBe(false)
    expect(notes(player)).toHaveLength(19)
    // A short hop forward plays the updates instead of loading a state.
    player.seek(20_000)
    await settle()
    await settle()
    expect(calls.at(-1)).toMatch(/^updates /)
    expect(player.docs!.board.getMap('nodes').has('n1')).toBe(true)
    expect(player.loading).toBe(false)
  })

  it('jumps to the start of a step, and knows the step at the playhead', async () => {
    const { source } = recording()
    const player = new ReplayPlayer(source, manualClock())
    await player.load()
    await settle()
    player.jumpToStep(1)
    await settle()
    expect(player.position).toBe(16_000)
    expect(player.step).toEqual({ index: 1, status: 'running' })
    expect(notes(player)).toHaveLength(16)
  })

  it('of many quick seeks, loads only the first and the last', async () => {
    const { source, calls } = recording()
    const player = new ReplayPlayer(source, manualClock())
    await player.load()
    await settle()
    calls.length = 0
    for (const t of [5000, 4000, 3000, 2000]) player.seek(t)
    expect(player.loading).toBe(true)
    await settle()
    await settle()
    expect(calls).toEqual(['state 5000', 'state 2000'])
    expect(notes(player)).toBe('ab')
    expect(player.loading).toBe(false)
  })

  it('waits for updates rather than running ahead of them', async () => {
    const { source } = recording()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow: ReplaySource = { ...source, updates: async (...args) => (await gate, source.updates(...args)) }
    const clock = manualClock()
    const player = new ReplayPlayer(slow, clock)
    await player.load(1000)
    await settle()
    player.setSkipIdle(false)
    player.play()
    await clock.advance(1000)
    await clock.advance(1000)
    expect(player.position).toBe(1000)
    expect(player.buffering).toBe(true)
    release()
    await settle()
    await clock.advance(500)
    expect(player.position).toBe(3000)
    expect(notes(player)).toBe('abc')
    expect(player.buffering).toBe(false)
  })
})
