/** A refused timer command's message stays this long at most. */
export const NOTICE_MS = 6000
/** A timer change this soon after the message is the one that caused it (it may arrive after the refusal), not a newer one. */
const CAUSE_WINDOW_MS = 1000

/**
 * The message under the timer after a refused command ("Someone else changed the timer just
 * now…"): it goes once the timer changes again, or after a few seconds, whichever comes first.
 */
export class TimerNotice {
  #text: string | null = $state(null)
  #at = 0
  #version = 0
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly now: () => number = Date.now) {}

  get text(): string | null {
    return this.#text
  }

  /** Shows `text`, said when the timer stood at `version`. */
  show(text: string, version: number): void {
    clearTimeout(this.#timer)
    this.#text = text
    this.#at = this.now()
    this.#version = version
    this.#timer = setTimeout(() => this.clear(), NOTICE_MS)
  }

  /** The timer is now at `version`. */
  seen(version: number): void {
    if (this.#text === null || version === this.#version) return
    if (this.now() - this.#at < CAUSE_WINDOW_MS) {
      this.#version = version
      return
    }
    this.clear()
  }

  clear(): void {
    clearTimeout(this.#timer)
    this.#text = null
  }
}
