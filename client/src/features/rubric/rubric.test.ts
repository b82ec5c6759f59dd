import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Rubric } from '../../../../shared/rubric/rubric.js'
import { missingForSubmit } from '../../../../shared/rubric/scale.js'
import { ApiError, type RubricsView, type SaveRubricInput } from '../../lib/api.js'
import { draftOf, emptyDraft, type RubricDraft, withStep } from './draft.js'
import { localCopyKey, type KeyValueStore } from './local-copy.js'
import { type RubricApi, RubricState } from './rubric.svelte.js'

const KEYS = ['clarify', 'frame']

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) }
}

/** A rubric server in memory, with the real one's version and submit rules. */
function fakeServer() {
  let rubric: Rubric = { ...emptyDraft(KEYS), id: 'r1', roomId: 'room', round: 1, linkId: 'L1', interviewerName: 'Ada', status: 'draft', version: 0, updatedAt: '', submittedAt: null }
  let offline = false
  const saves: SaveRubricInput[] = []
  const view = (): RubricsView => ({ round: 1, mine: structuredClone(rubric), others: [], panel: [], calibration: null, feedback: null })
  const net = () => {
    if (offline) throw new ApiError(0, 'network', 'offline')
  }
  const api: RubricApi = {
    get: async () => (net(), view()),
    save: async ({ expectedVersion, name: _name, ...draft }) => {
      net()
      saves.push({ ...structuredClone(draft), ...(expectedVersion !== undefined ? { expectedVersion } : {}) })
      if (rubric.status === 'submitted' || (expectedVersion !== undefined && expectedVersion !== rubric.version)) throw new ApiError(409, 'conflict', 'stale')
      rubric = { ...rubric, ...structuredClone(draft), version: rubric.version + 1 }
      return structuredClone(rubric)
    },
    submit: async (expectedVersion) => {
      net()
      if (expectedVersion !== rubric.version) throw new ApiError(409, 'conflict', 'stale')
      const missing = missingForSubmit(rubric, KEYS)
      if (missing.length > 0) throw new ApiError(400, 'invalid', 'missing', { missing })
      rubric = { ...rubric, status: 'submitted', submittedAt: '2026-01-01T10:00:00.000Z' }
      return structuredClone(rubric)
    },
    share: async () => (net(), { round: 1, interviewerName: 'Ada', steps: {}, recommendation: null, level: null, feedback: '', sharedAt: 'now' }),
  }
  return {
    api,
    saves,
    get rubric() {
      return rubric
    },
    /** Another tab saves. */
    edit(change: (d: RubricDraft) => RubricDraft) {
      rubric = { ...rubric, ...change(draftOf(rubric, KEYS)), version: rubric.version + 1 }
    },
    set offline(v: boolean) {
      offline = v
    },
  }
}

const settle = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve()
}

describe('RubricState', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
  afterEach(() => vi.useRealTimers())

  const open = (server: ReturnType<typeof fakeServer>, store = memoryStore()) =>
    new RubricState({ roomId: 'room', round: 1, stepKeys: KEYS, api: server.api, store, autosave: { delayMs: 600 } })

  it('autosaves a pause after typing, with the version it started from', async () => {
    const server = fakeServer()
    const rubric = open(server)
    await rubric.load()
    rubric.setScore('clarify', 3)
    rubric.setEvidence('clarify', 'asked for QPS')
    vi.advanceTimersByTime(599)
    expect(server.saves).toHaveLength(0)
    vi.advanceTimersByTime(1)
    await settle()
    expect(server.saves).toEqual([expect.objectContaining({ expectedVersion: 0, steps: expect.objectContaining({ clarify: { score: 3, evidence: 'asked for QPS', links: [] } }) })])
    expect(rubric.autosave.status).toBe('saved')
    expect(rubric.server!.version).toBe(1)
  })

  it('keeps unsaved edits on the device and restores them on the next load', async () => {
    const server = fakeServer()
    const store = memoryStore()
    server.offline = true
    const first = open(server, store)
    server.offline = false
    await first.load()
    server.offline = true
    first.setScore('frame', 4)
    first.setFeedback('great framing')
    vi.advanceTimersByTime(600)
    await settle()
    expect(first.autosave.status).toBe('offline')
    expect(store.data.has(localCopyKey('room', 1, 'L1'))).toBe(true)
    first.dispose()

    // A reload: the server never got the edits; the device still has them, and saves them.
    server.offline = false
    const second = open(server, store)
    await second.load()
    expect(second.draft!.steps.frame!.score).toBe(4)
    expect(second.draft!.feedback).toBe('great framing')
    expect(second.notice).toMatch(/Restored/)
    vi.advanceTimersByTime(600)
    await settle()
    expect(server.rubric.feedback).toBe('great framing')
    expect(store.data.has(localCopyKey('room', 1, 'L1'))).toBe(false)
  })

  it('on a conflict refetches, keeps the edits made here on top of the newer copy, and saves again', async () => {
    const server = fakeServer()
    const rubric = open(server)
    await rubric.load()
    rubric.setScore('clarify', 2)
    await rubric.autosave.flush()
    // Another tab scores "frame" and writes feedback meanwhile.
    server.edit((d) => ({ ...withStep(d, 'frame', { score: 4 }), feedback: 'from the other tab' }))
    rubric.setEvidence('clarify', 'only asked about latency')
    rubric.setFeedback('from this tab')
    await rubric.autosave.flush()
    expect(server.saves.at(-2)!.expectedVersion).toBe(1)
    expect(server.saves.at(-1)!.expectedVersion).toBe(2)
    expect(server.rubric.steps.frame!.score).toBe(4)
    expect(server.rubric.steps.clarify).toEqual({ score: 2, evidence: 'only asked about latency', links: [] })
    expect(server.rubric.feedback).toBe('from this tab')
    expect(rubric.draft).toEqual(draftOf(server.rubric, KEYS))
    expect(rubric.notice).toMatch(/edited elsewhere/)
  })

  it('submit shows what is missing, then locks once complete', async () => {
    const server = fakeServer()
    const rubric = open(server)
    await rubric.load()
    rubric.setScore('clarify', 3)
    expect(rubric.stillMissing).toEqual(['a score for step "frame"', 'an overall recommendation', 'the level demonstrated'])
    const submits = vi.spyOn(server.api, 'submit')
    expect(await rubric.submit()).toBe(false)
    expect(rubric.missing).toEqual(['a score for step "frame"', 'an overall recommendation', 'the level demonstrated'])
    expect(rubric.locked).toBe(false)
    // Found here: the server was never asked (no 400 in the browser's console).
    expect(submits).not.toHaveBeenCalled()
    rubric.setScore('frame', 'no_signal')
    rubric.setRecommendation('lean_hire')
    rubric.setLevel('senior')
    expect(await rubric.submit()).toBe(true)
    expect(rubric.missing).toEqual([])
    expect(rubric.locked).toBe(true)
    // Locked: edits are ignored.
    rubric.setScore('clarify', 1)
    expect(rubric.draft!.steps.clarify!.score).toBe(3)
  })

  it('adds an evidence link once, and removes it', async () => {
    const server = fakeServer()
    const rubric = open(server)
    await rubric.load()
    const link = { type: 'node' as const, nodeId: 'n_1', label: 'Feature store' }
    rubric.addLink('clarify', link)
    rubric.addLink('clarify', { ...link })
    expect(rubric.draft!.steps.clarify!.links).toEqual([link])
    rubric.removeLink('clarify', 0)
    expect(rubric.draft!.steps.clarify!.links).toEqual([])
  })

  it("reads the others' rubrics again when a panelist submits after it did", async () => {
    const server = fakeServer()
    const rubric = open(server)
    await rubric.load()
    const get = vi.spyOn(server.api, 'get')
    rubric.applyPanel({ round: 1, panel: [{ linkId: 'L2', name: 'Bo', status: 'submitted' }] })
    expect(get).not.toHaveBeenCalled()
    rubric.setScore('clarify', 3)
    rubric.setScore('frame', 3)
    rubric.setRecommendation('hire')
    rubric.setLevel('staff')
    await rubric.submit()
    get.mockClear()
    rubric.applyPanel({ round: 2, panel: [] })
    rubric.applyPanel({ round: 1, panel: [{ linkId: 'L1', name: 'Ada', status: 'submitted' }, { linkId: 'L2', name: 'Bo', status: 'submitted' }] })
    expect(get).toHaveBeenCalledTimes(1)
    expect(rubric.panel).toHaveLength(2)
  })
})
