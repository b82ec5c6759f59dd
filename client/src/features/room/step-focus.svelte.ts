/**
 * Which step's prompts and notes this person is looking at. It follows the timer's current step;
 * a step picked by hand stays until the timer moves on, then the view follows again.
 */
export class StepFocus {
  #current: () => string
  #picked: { key: string; whileAt: string } | null = $state(null)

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

  pick(key: string): void {
    this.#picked = key === this.#current() ? null : { key, whileAt: this.#current() }
  }
}
