import type { Kit } from '../../../../shared/kits/kit.js'
import type { KitView } from '../../../../shared/rooms/room.js'
import { api, ApiError, type KitInput } from '../../lib/api.js'
import {
  emptyForm,
  emptyStep,
  type FieldErrors,
  fieldOfMessage,
  formFromKit,
  type KitForm,
  keyFromTitle,
  kitInput,
  type StepForm,
  validate,
} from './kit-form.js'

/** What the kit API calls the editor needs (a fake in tests). */
export interface KitApi {
  kit(id: string, editToken?: string): Promise<Kit | KitView>
  createKit(input: KitInput): Promise<{ kit: Kit; editToken: string }>
  updateKit(id: string, editToken: string, input: KitInput): Promise<Kit>
}

/** Creating a kit, or publishing a new version of one with its edit key; without the key, reading it. */
export type EditorMode = 'new' | 'edit' | 'view'

/**
 * The kit editor: the form, its errors by field (the form's own checks first, then the API's
 * answer), and the kit as published. A published edit is a new version: rooms keep theirs.
 */
export class KitEditor {
  #api: KitApi
  #form: KitForm = $state(emptyForm())
  #errors: FieldErrors = $state({})
  #mode: EditorMode = $state('new')
  #kitId: string | null = $state(null)
  #editToken: string | null = $state(null)
  #published: Kit | null = $state.raw(null)
  #version: number | null = $state(null)
  #loading = $state(false)
  #loadError: string | null = $state(null)
  #busy = $state(false)
  #tried = $state(false)

  constructor(kitApi: KitApi = api) {
    this.#api = kitApi
  }

  /** The form, bound to the inputs (a deep state proxy). */
  get form(): KitForm {
    return this.#form
  }
  /** Errors by field: shown once a publish was tried, then kept up to date while typing. */
  get errors(): FieldErrors {
    return this.#errors
  }
  get mode(): EditorMode {
    return this.#mode
  }
  get kitId(): string | null {
    return this.#kitId
  }
  get editToken(): string | null {
    return this.#editToken
  }
  /** The version just published (the page shows what to do next). */
  get published(): Kit | null {
    return this.#published
  }
  /** The version being edited. */
  get version(): number | null {
    return this.#version
  }
  get loading(): boolean {
    return this.#loading
  }
  get loadError(): string | null {
    return this.#loadError
  }
  get busy(): boolean {
    return this.#busy
  }

  /** Opens a kit: editable with its key, read-only without. `copyOf` starts a new kit from another. */
  async open(opts: { kitId?: string | null; editToken?: string | null; copyOf?: string | null }): Promise<void> {
    this.#loadError = null
    const id = opts.kitId ?? opts.copyOf ?? null
    this.#kitId = opts.kitId ?? null
    this.#editToken = opts.kitId ? (opts.editToken ?? null) : null
    this.#mode = !opts.kitId ? 'new' : this.#editToken ? 'edit' : 'view'
    if (!id) return
    this.#loading = true
    try {
      const kit = await this.#api.kit(id, opts.kitId ? (this.#editToken ?? undefined) : undefined)
      this.#form = formFromKit(kit, { copy: !opts.kitId })
      this.#version = opts.kitId ? kit.version : null
      // A key that does not open the kit's anchors is not its edit key.
      if (this.#mode === 'edit' && !kit.steps.every((s) => s.anchors)) this.#mode = 'view'
    } catch (err) {
      this.#loadError =
        err instanceof ApiError && err.status === 404 ? 'There is no such kit.' : err instanceof ApiError && err.status === 0 ? 'Cannot reach the server.' : String((err as Error).message)
    } finally {
      this.#loading = false
    }
  }

  addStep(): void {
    this.#form.steps.push(emptyStep())
    this.#recheck()
  }
  removeStep(index: number): void {
    this.#form.steps.splice(index, 1)
    this.#recheck()
  }
  moveStep(index: number, by: -1 | 1): void {
    const to = index + by
    const steps = this.#form.steps
    if (to < 0 || to >= steps.length) return
    const [step] = steps.splice(index, 1)
    steps.splice(to, 0, step!)
    this.#recheck()
  }
  setStepTitle(step: StepForm, title: string): void {
    step.title = title
    // The key follows the title until it is typed by hand.
    if (!step.keyEdited) step.key = keyFromTitle(title)
    this.#recheck()
  }
  setStepKey(step: StepForm, key: string): void {
    step.key = key
    step.keyEdited = key !== ''
    this.#recheck()
  }
  /** Called after any other input: errors follow the form once a publish was tried. */
  changed(): void {
    this.#recheck()
  }

  /** Publishes: a new kit (version 1) or the next version of this one. */
  async publish(): Promise<boolean> {
    if (this.#busy || this.#mode === 'view') return false
    this.#tried = true
    this.#errors = validate(this.#form)
    if (Object.keys(this.#errors).length > 0) return false
    this.#busy = true
    try {
      // kitInput builds plain objects from the form's values (the form itself is a state proxy).
      const input = kitInput(this.#form)
      if (this.#mode === 'edit' && this.#kitId && this.#editToken) {
        this.#published = await this.#api.updateKit(this.#kitId, this.#editToken, input)
      } else {
        const created = await this.#api.createKit(input)
        this.#published = created.kit
        this.#kitId = created.kit.id
        this.#editToken = created.editToken
        this.#mode = 'edit'
      }
      this.#version = this.#published.version
      return true
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const { field, text } = fieldOfMessage(err.message)
        this.#errors = { [field]: text }
      } else if (err instanceof ApiError && err.status === 401) {
        this.#errors = { form: "This link's edit key does not open this kit: ask whoever made it for the edit link." }
      } else if (err instanceof ApiError && err.status === 409) {
        this.#errors = { form: 'Someone published a version of this kit just now. Reload to see it, then make your changes again.' }
      } else this.#errors = { form: err instanceof ApiError && err.status === 0 ? 'Cannot reach the server. Your kit is still here: try again.' : String((err as Error).message) }
      return false
    } finally {
      this.#busy = false
    }
  }

  /** Back to editing after a publish. */
  continueEditing(): void {
    this.#published = null
  }

  #recheck(): void {
    if (this.#tried) this.#errors = validate(this.#form)
  }
}
