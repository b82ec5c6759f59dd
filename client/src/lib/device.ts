const KEY = 'stepwise:device'
/** Where storage is disabled: this page's own id (the seat is then taken again on purpose after a reload). */
let pageDevice: string | null = null

/**
 * A random id this browser keeps, telling it from another browser that opens the same link: a
 * hiring panel's interviewer link is one person's seat. Names nobody: it is never shown or sent
 * anywhere but with a seat claim.
 */
export function deviceId(): string {
  try {
    const known = localStorage.getItem(KEY)
    if (known) return known
    const made = crypto.randomUUID()
    localStorage.setItem(KEY, made)
    return made
  } catch {
    pageDevice ??= crypto.randomUUID()
    return pageDevice
  }
}
