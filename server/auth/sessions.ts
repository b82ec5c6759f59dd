/**
 * Every live socket (Yjs or socket.io) by the invite link it came through, so revoking a link
 * closes what is already open, not only what comes next.
 */
export class Sessions {
  readonly #byLink = new Map<string, Set<() => void>>()

  /** Registers a socket's closer; returns the function that unregisters it. */
  add(linkId: string, close: () => void): () => void {
    let set = this.#byLink.get(linkId)
    if (!set) this.#byLink.set(linkId, (set = new Set()))
    set.add(close)
    return () => {
      set.delete(close)
      if (set.size === 0 && this.#byLink.get(linkId) === set) this.#byLink.delete(linkId)
    }
  }

  /** The links with a socket open now. */
  linkIds(): string[] {
    return [...this.#byLink.keys()]
  }

  /** Closes every socket of a link; returns how many there were. */
  revoke(linkId: string): number {
    const set = this.#byLink.get(linkId)
    if (!set) return 0
    this.#byLink.delete(linkId)
    for (const close of set) close()
    return set.size
  }
}
