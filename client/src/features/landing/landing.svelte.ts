import { api, ApiError, type CreatedRoom, type CreateRoomInput, type KitSummary, type Level, type QuestionSummary, type RoomMode } from '../../lib/api.js'

export const LEVELS: { value: Level; label: string }[] = [
  { value: 'mid', label: 'Mid-level' },
  { value: 'senior', label: 'Senior' },
  { value: 'staff', label: 'Staff' },
]

export const MODES: { value: RoomMode; label: string; description: string }[] = [
  { value: 'peer', label: 'Peer practice', description: 'Two people take turns; feedback goes to the candidate.' },
  { value: 'panel', label: 'Hiring panel', description: 'One or more interviewers score independently.' },
]

/** The request for a new room from the form's fields; empty optional fields are left out. */
export function createRoomInput(fields: { kitId: string; questionId: string; level: Level; mode: RoomMode; title: string }): CreateRoomInput {
  const input: CreateRoomInput = { level: fields.level, mode: fields.mode }
  if (fields.kitId) input.kitId = fields.kitId
  if (fields.questionId) input.questionId = fields.questionId
  const title = fields.title.trim()
  if (title) input.title = title.slice(0, 120)
  return input
}

/** The page that lists a new room's links, with its creator's (interviewer) token. */
export function readyPage(created: CreatedRoom): string {
  return `/r/${encodeURIComponent(created.room.id)}/ready#token=${encodeURIComponent(created.tokens.interviewer)}`
}

/** The kit picker's two groups: the built-in kits first, then custom ones by title. */
export function groupKits(kits: readonly KitSummary[]): { builtIn: KitSummary[]; custom: KitSummary[] } {
  const custom = kits.filter((k) => !k.builtIn).sort((a, b) => a.title.localeCompare(b.title))
  return { builtIn: kits.filter((k) => k.builtIn), custom }
}

/** The landing page's one-step room creation. */
export class CreateRoomForm {
  kitId = $state('')
  questionId = $state('')
  level: Level = $state('senior')
  mode: RoomMode = $state('peer')
  title = $state('')
  #kits: KitSummary[] = $state.raw([])
  #questions: QuestionSummary[] = $state.raw([])
  #loading = $state(true)
  #busy = $state(false)
  #error: string | null = $state(null)

  get kits(): KitSummary[] {
    return this.#kits
  }
  get questions(): QuestionSummary[] {
    return this.#questions
  }
  get loading(): boolean {
    return this.#loading
  }
  get busy(): boolean {
    return this.#busy
  }
  get error(): string | null {
    return this.#error
  }
  get kit(): KitSummary | undefined {
    return this.#kits.find((k) => k.id === this.kitId)
  }
  get question(): QuestionSummary | undefined {
    return this.#questions.find((q) => q.id === this.questionId)
  }

  /** `preferredKit`: a kit asked for by the address (`/?kit=<id>`, e.g. right after creating it). */
  async load(preferredKit?: string | null): Promise<void> {
    this.#loading = true
    this.#error = null
    try {
      const [kits, questions] = await Promise.all([api.kits(), api.questions()])
      this.#kits = kits
      this.#questions = questions
      this.kitId ||= kits.find((k) => k.id === preferredKit)?.id ?? kits[0]?.id ?? ''
      this.questionId ||= questions[0]?.id ?? ''
    } catch (err) {
      this.#error = err instanceof ApiError ? err.message : 'Could not load the kits and questions.'
    } finally {
      this.#loading = false
    }
  }

  async submit(): Promise<void> {
    if (this.#busy) return
    this.#busy = true
    this.#error = null
    try {
      const created = await api.createRoom(
        createRoomInput({ kitId: this.kitId, questionId: this.questionId, level: this.level, mode: this.mode, title: this.title }),
      )
      // The links at an address of their own, which a reload or the back button finds again.
      location.assign(readyPage(created))
    } catch (err) {
      this.#error = err instanceof ApiError ? err.message : 'Could not create the room.'
      this.#busy = false
    }
  }
}
