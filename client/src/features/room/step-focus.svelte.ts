/**
 * Which step's prompts and notes this person is looking at. It follows the timer's current step;
 * a step picked by hand stays until the timer moves on, then the view follows again.
 */
export class StepFocus {
  #current: () => string
  #picked: { key: string; whileAt: string } | null = $state(null)
  #flashing: string | null = $state(null)
  #flashTimer: ReturnType<typeof setTimeout> | undefined

  constructor(current: () => string) {
    this.#current = current
  }

  get key(): string {
    const current = this.#current()
    return this.#picked && this.#picked.whileAt === current ? this.#picked.key : current
  }
  get following(): boolean {
    return this.key === this.#current()
  }

  /** A step being pointed at (an evidence link to a moment), drawn attention to for a moment. */
  get flashing(): string | null {
    return this.#flashing
  }

  pick(key: string): void {
    this.#picked = key === this.#current() ? null : { key, whileAt: this.#current() }
  }

  /** Opens a step and draws the eye to it for `ms`. */
  highlight(key: string, ms = 1600): void {
    this.pick(key)
    this.#flashing = key
    clearTimeout(this.#flashTimer)
    this.#flashTimer = setTimeout(() => (this.#flashing = null), ms)
  }
}
