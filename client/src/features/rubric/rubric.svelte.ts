import type { RubricsStatusPayload } from '../../../../shared/protocol/events.js'
import type { CalibrationRow, Recommendation, Rubric, Score, SharedFeedback } from '../../../../shared/rubric/rubric.js'
import type { Level } from '../../../../shared/kits/kit.js'
import { missingForSubmit } from '../../../../shared/rubric/scale.js'
import { ApiError, type PanelEntry, type RubricsView, type SaveRubricInput } from '../../lib/api.js'
import { Autosave, OfflineError, type AutosaveOptions, type SaveOutcome } from './autosave.svelte.js'
import { draftOf, type EvidenceLink, mergeDrafts, type RubricDraft, sameDraft, withStep } from './draft.js'
import { type KeyValueStore, localCopyKey, readLocalCopy, writeLocalCopy } from './local-copy.js'

/** The rubric endpoints of one round, as this interviewer calls them. */
export interface RubricApi {
  get(): Promise<RubricsView>
  save(input: SaveRubricInput): Promise<Rubric>
  submit(expectedVersion: number): Promise<Rubric>
  share(): Promise<SharedFeedback>
}

const isOffline = (err: unknown) => err instanceof ApiError && err.status === 0
const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/**
 * One interviewer's rubric for one round: the draft being edited here, the server's last copy,
 * and — once submitted — the panel's rubrics and calibration. Edits autosave; until the server
 * confirms them a copy waits in local storage. A save that meets a newer version (another tab)
 * refetches, keeps this client's edits on top, and saves again.
 */
export class RubricState {
  readonly roomId: string
  readonly round: number
  readonly stepKeys: readonly string[]
  readonly autosave: Autosave
  #api: RubricApi
  #store: KeyValueStore | null
  #name: () => string | undefined
  #server: Rubric | null = $state.raw(null)
  #draft: RubricDraft | null = $state.raw(null)
  #others: Rubric[] = $state.raw([])
  #panel: PanelEntry[] = $state.raw([])
  #calibration: CalibrationRow[] | null = $state.raw(null)
  #shared: { sharedAt: string } | null = $state.raw(null)
  #loadError: string | null = $state(null)
  #missing: string[] = $state.raw([])
  #actionError: string | null = $state(null)
  #notice: string | null = $state(null)
  #busy = $state(false)
  #loading: Promise<void> | null = null

  constructor(opts: {
    roomId: string
    round: number
    stepKeys: readonly string[]
    api: RubricApi
    store: KeyValueStore | null
    /** The name to go by on the panel (sent with each save). */
    name?: () => string | undefined
    autosave?: AutosaveOptions
  }) {
    this.roomId = opts.roomId
    this.round = opts.round
    this.stepKeys = opts.stepKeys
    this.#api = opts.api
    this.#store = opts.store
    this.#name = opts.name ?? (() => undefined)
    this.autosave = new Autosave(() => this.#save(), opts.autosave)
  }

  get loaded(): boolean {
    return this.#draft !== null
  }
  get loadError(): string | null {
    return this.#loadError
  }
  /** The draft as edited here (every kit step present). */
  get draft(): RubricDraft | null {
    return this.#draft
  }
  /** The server's last copy. */
  get server(): Rubric | null {
    return this.#server
  }
  /** Submitted: read-only from then on. */
  get locked(): boolean {
    return this.#server?.status === 'submitted'
  }
  get others(): Rubric[] {
    return this.#others
  }
  get panel(): PanelEntry[] {
    return this.#panel
  }
  get calibration(): CalibrationRow[] | null {
    return this.#calibration
  }
  /** When this round's feedback was shared with its candidate, if it was. */
  get shared(): { sharedAt: string } | null {
    return this.#shared
  }
  /** What the last submit still missed, in the server's words. */
  get missing(): string[] {
    return this.#missing
  }
  get actionError(): string | null {
    return this.#actionError
  }
  /** Something worth telling about the draft (restored from this device, merged with another tab). */
  get notice(): string | null {
    return this.#notice
  }
  get busy(): boolean {
    return this.#busy
  }

  /** Reads the rubric; unsaved edits left on this device are merged back in and saved. */
  load(): Promise<void> {
    this.#loading ??= this.#load().finally(() => (this.#loading = null))
    return this.#loading
  }

  async #load(): Promise<void> {
    this.#loadError = null
    let view: RubricsView
    try {
      view = await this.#api.get()
    } catch (err) {
      this.#loadError = isOffline(err) ? 'Cannot reach the server to load your rubric.' : message(err)
      return
    }
    this.#apply(view)
    const serverDraft = draftOf(view.mine, this.stepKeys)
    const copy = readLocalCopy(this.#store, this.#key())
    if (copy && view.mine.status === 'draft') {
      const merged = mergeDrafts(copy.base, copy.draft, serverDraft, this.stepKeys)
      this.#draft = merged
      if (!sameDraft(merged, serverDraft)) {
        this.#notice = 'Restored edits that had not reached the server yet.'
        this.#writeCopy()
        this.autosave.touch()
        return
      }
    } else this.#draft = serverDraft
    writeLocalCopy(this.#store, this.#key(), null)
  }

  /** Reads the panel again (others' rubrics and calibration appear once this one is submitted). */
  async refresh(): Promise<void> {
    if (!this.loaded) return
    try {
      const view = await this.#api.get()
      this.#apply(view)
      if (this.locked) this.#draft = draftOf(view.mine, this.stepKeys)
    } catch {
      // The next panel event or reconnect tries again.
    }
  }

  setScore(key: string, score: Score | null): void {
    this.#edit((d) => withStep(d, key, { score }))
  }
  setEvidence(key: string, evidence: string): void {
    this.#edit((d) => withStep(d, key, { evidence }))
  }
  addLink(key: string, link: EvidenceLink): void {
    this.#edit((d) => {
      const links = d.steps[key]?.links ?? []
      if (links.length >= 20 || links.some((l) => JSON.stringify(l) === JSON.stringify(link))) return d
      return withStep(d, key, { links: [...links, link] })
    })
  }
  removeLink(key: string, index: number): void {
    this.#edit((d) => withStep(d, key, { links: (d.steps[key]?.links ?? []).filter((_, i) => i !== index) }))
  }
  setRecommendation(recommendation: Recommendation | null): void {
    this.#edit((d) => ({ ...d, recommendation }))
  }
  setLevel(level: Level | null): void {
    this.#edit((d) => ({ ...d, level }))
  }
  setFeedback(feedback: string): void {
    this.#edit((d) => ({ ...d, feedback }))
  }
  dismissNotice(): void {
    this.#notice = null
  }

  /** What a submit still lacks, read from the draft as it stands (the server's own rule, shared/rubric). */
  get stillMissing(): string[] {
    const draft = this.draft
    return draft ? missingForSubmit(draft, this.stepKeys) : []
  }

  /**
   * Saves what is pending, then submits; what is still missing comes back in `missing`, found
   * here first (the server is not asked to refuse it), or in the server's answer.
   */
  async submit(): Promise<boolean> {
    if (this.locked || this.#busy) return false
    this.#actionError = null
    this.#missing = this.stillMissing
    if (this.#missing.length > 0) return false
    this.#busy = true
    try {
      if (!(await this.autosave.flush())) {
        this.#actionError =
          this.autosave.status === 'offline' ? 'You are offline. Your rubric is kept here; submit again once the connection is back.' : this.autosave.error
        return false
      }
      const rubric = await this.#api.submit(this.#server!.version)
      this.#server = rubric
      this.#draft = draftOf(rubric, this.stepKeys)
      writeLocalCopy(this.#store, this.#key(), null)
      await this.refresh()
      return true
    } catch (err) {
      const details = err instanceof ApiError ? (err.details as { missing?: unknown } | undefined) : undefined
      if (Array.isArray(details?.missing)) this.#missing = details.missing.map(String)
      else if (err instanceof ApiError && err.status === 409) {
        await this.refresh()
        this.#actionError = this.locked ? null : 'The rubric changed elsewhere just now. Check it and submit again.'
      } else this.#actionError = isOffline(err) ? 'You are offline. Submit again once the connection is back.' : message(err)
      return false
    } finally {
      this.#busy = false
    }
  }

  /** Shares this round's feedback (scores and feedback text, nothing else) with its candidate. */
  async share(): Promise<boolean> {
    if (this.#busy) return false
    this.#busy = true
    this.#actionError = null
    try {
      const feedback = await this.#api.share()
      this.#shared = { sharedAt: feedback.sharedAt }
      return true
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) await this.refresh()
      this.#actionError = this.#shared ? null : isOffline(err) ? 'You are offline. Share again once the connection is back.' : message(err)
      return false
    } finally {
      this.#busy = false
    }
  }

  /** The panel changed (someone saved a first draft or submitted). */
  applyPanel(payload: RubricsStatusPayload): void {
    if (payload.round !== this.round) return
    this.#panel = payload.panel
    // Once mine is in, every newly submitted rubric of the others is mine to read.
    const submitted = payload.panel.filter((p) => p.status === 'submitted' && p.linkId !== this.#server?.linkId).length
    if (this.locked && submitted !== this.#others.length) void this.refresh()
  }

  markShared(sharedAt: string): void {
    this.#shared ??= { sharedAt }
  }

  dispose(): void {
    if (this.#draft && this.#server && !this.locked && !sameDraft(this.#draft, draftOf(this.#server, this.stepKeys))) void this.autosave.flush()
    this.autosave.dispose()
  }

  #apply(view: RubricsView): void {
    this.#server = view.mine
    this.#others = view.others
    this.#panel = view.panel
    this.#calibration = view.calibration
    this.#shared = view.feedback ? { sharedAt: view.feedback.sharedAt } : null
  }

  #edit(change: (draft: RubricDraft) => RubricDraft): void {
    if (!this.#draft || this.locked) return
    const next = change(this.#draft)
    if (next === this.#draft) return
    this.#draft = next
    this.#writeCopy()
    this.autosave.touch()
  }

  #key(): string {
    return localCopyKey(this.roomId, this.round, this.#server?.linkId ?? 'unknown')
  }

  /** Keeps the draft on this device while it differs from the server's copy; forgets it once equal. */
  #writeCopy(): void {
    const server = this.#server
    const draft = this.#draft
    if (!server || !draft) return
    const base = draftOf(server, this.stepKeys)
    writeLocalCopy(this.#store, this.#key(), sameDraft(draft, base) ? null : { base, baseVersion: server.version, draft, savedAt: Date.now() })
  }

  async #save(): Promise<SaveOutcome> {
    const server = this.#server
    const draft = this.#draft
    if (!server || !draft || this.locked) return 'saved'
    const base = draftOf(server, this.stepKeys)
    if (sameDraft(draft, base)) return 'saved'
    try {
      const name = this.#name()
      this.#server = await this.#api.save({ ...draft, expectedVersion: server.version, ...(name ? { name } : {}) })
      this.#writeCopy()
      return 'saved'
    } catch (err) {
      if (isOffline(err)) throw new OfflineError()
      if (!(err instanceof ApiError && err.status === 409)) throw err
    }
    // A newer version exists (another tab, or this rubric was submitted elsewhere).
    let view: RubricsView
    try {
      view = await this.#api.get()
    } catch (err) {
      if (isOffline(err)) throw new OfflineError()
      throw err
    }
    this.#apply(view)
    const remote = draftOf(view.mine, this.stepKeys)
    if (view.mine.status === 'submitted') {
      this.#draft = remote
      writeLocalCopy(this.#store, this.#key(), null)
      this.#notice = 'This rubric was submitted from another tab or window, so it is locked now.'
      return 'saved'
    }
    this.#draft = mergeDrafts(base, this.#draft!, remote, this.stepKeys)
    this.#writeCopy()
    this.#notice = 'This rubric was also edited elsewhere (another tab?). Your edits here were kept on top.'
    return 'again'
  }
}
