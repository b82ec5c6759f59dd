/**
 * Which step's prompts and notes this person is looking at. It follows the timer's current step;
 * a step picked by hand stays until the timer moves on (or a new round starts), then the view
 * follows again.
 */
export class StepFocus {
  #current: () => string
  #round: () => number
  #picked: { key: string; whileAt: string; round: number } | null = $state(null)
  #flashing: string | null = $state(null)
  #flashTimer: ReturnType<typeof setTimeout> | undefined

  /** `round`: the round on screen; a step picked in one round means nothing in the next. */
  constructor(current: () => string, round: () => number = () => 1) {
    this.#current = current
    this.#round = round
  }

  get key(): string {
    const current = this.#current()
    const picked = this.#picked
    return picked && picked.whileAt === current && picked.round === this.#round() ? picked.key : current
  }
  get following(): boolean {
    return this.key === this.#current()
  }

  /** A step being pointed at (an evidence link to a moment), drawn attention to for a moment. */
  get flashing(): string | null {
    return this.#flashing
  }

  pick(key: string): void {
    this.#picked = key === this.#current() ? null : { key, whileAt: this.#current(), round: this.#round() }
  }

  /** Opens a step and draws the eye to it for `ms`. */
  highlight(key: string, ms = 1600): void {
    this.pick(key)
    this.#flashing = key
    clearTimeout(this.#flashTimer)
    this.#flashTimer = setTimeout(() => (this.#flashing = null), ms)
  }
}
