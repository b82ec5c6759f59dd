import { createContext } from 'svelte'
import type { SharedFeedback } from '../../../../shared/rubric/rubric.js'
import { ApiError } from '../../lib/api.js'

/**
 * The feedback shared with this person, round by round (peer practice: what the interviewer
 * chose to share — scores, recommendation, level and feedback text, never evidence or notes).
 */
export class FeedbackInbox {
  #fetch: () => Promise<SharedFeedback[]>
  #items: SharedFeedback[] = $state.raw([])
  #error: string | null = $state(null)
  #loading = $state(false)

  constructor(fetch: () => Promise<SharedFeedback[]>) {
    this.#fetch = fetch
  }

  get items(): SharedFeedback[] {
    return this.#items
  }
  get error(): string | null {
    return this.#error
  }
  get loading(): boolean {
    return this.#loading
  }

  forRound(round: number): SharedFeedback | null {
    return this.#items.find((f) => f.round === round) ?? null
  }

  /** Reads what has been shared so far; a 403 only means nothing yet. */
  async load(): Promise<void> {
    this.#loading = true
    this.#error = null
    try {
      this.#items = await this.#fetch()
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) this.#items = []
      else this.#error = err instanceof ApiError && err.status === 0 ? 'Cannot reach the server to load your feedback.' : String((err as Error).message ?? err)
    } finally {
      this.#loading = false
    }
  }
}

export const [getFeedback, setFeedback] = createContext<FeedbackInbox>()
