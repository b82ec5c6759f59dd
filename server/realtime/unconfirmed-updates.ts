/** An update another node took and published, kept here until that node says it is in the log. */
export interface UnconfirmedUpdate {
  /** The origin node's count of updates it had published when it sent this one. */
  count: number
  roomId: string
  doc: string
  at: number
  linkId: string | null
  bytes: Uint8Array
}

/** Updates kept per origin node at most (minutes of a busy node's traffic); past it the oldest go, loudly. */
const MAX_PER_ORIGIN = 200_000

/**
 * What other nodes took that this node applied but no log row holds yet, by origin node. Each
 * node publishes how far its log is durable (a count of its published updates); what that covers
 * is dropped. Should a node die with updates it never wrote, a node that applied them writes them
 * in its place (`takeOver`): its clients' own sync cannot bring them back here, since this node
 * already holds them.
 */
export class UnconfirmedUpdates {
  readonly #byOrigin = new Map<string, UnconfirmedUpdate[]>()
  /** Updates dropped past MAX_PER_ORIGIN since the last call to `takeDropped`. */
  #dropped = 0

  add(origin: string, update: UnconfirmedUpdate): void {
    let list = this.#byOrigin.get(origin)
    if (!list) this.#byOrigin.set(origin, (list = []))
    list.push({ ...update, bytes: update.bytes.slice() })
    if (list.length > MAX_PER_ORIGIN) {
      list.shift()
      this.#dropped++
    }
  }

  origins(): string[] {
    return [...this.#byOrigin.keys()]
  }

  /** The origin's log holds every update it counted up to `durable`. */
  confirm(origin: string, durable: number): void {
    const list = this.#byOrigin.get(origin)
    if (!list) return
    let n = 0
    while (n < list.length && list[n]!.count <= durable) n++
    if (n === list.length) this.#byOrigin.delete(origin)
    else if (n > 0) list.splice(0, n)
  }

  /** The origin is gone: everything still unconfirmed of it, for this node to write. */
  takeOver(origin: string): UnconfirmedUpdate[] {
    const list = this.#byOrigin.get(origin) ?? []
    this.#byOrigin.delete(origin)
    return list
  }

  takeDropped(): number {
    const n = this.#dropped
    this.#dropped = 0
    return n
  }
}
