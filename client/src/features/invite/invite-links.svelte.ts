import type { Role } from '../../../../shared/rooms/roles.js'
import { api, ApiError, type InviteLink } from '../../lib/api.js'

const message = (err: unknown, fallback: string) => (err instanceof ApiError ? (err.status === 0 ? 'Cannot reach the server: try again.' : err.message) : fallback)

/** A room's invite links as an interviewer manages them: listed, added, revoked. */
export class InviteLinks {
  #links: InviteLink[] = $state.raw([])
  #loaded = $state(false)
  #busy = $state(false)
  #error: string | null = $state(null)

  constructor(
    readonly roomId: string,
    /** The interviewer's own token: every call is theirs. */
    readonly token: string,
  ) {}

  get loaded(): boolean {
    return this.#loaded
  }
  get busy(): boolean {
    return this.#busy
  }
  get error(): string | null {
    return this.#error
  }
  /** Links that work, in the order they were made, each role's first one first. */
  get active(): InviteLink[] {
    return this.#links.filter((l) => !l.revokedAt)
  }
  get revoked(): InviteLink[] {
    return this.#links.filter((l) => l.revokedAt)
  }
  /** The link this person holds. */
  isMine(link: InviteLink): boolean {
    return link.token === this.token
  }

  async load(): Promise<void> {
    try {
      this.#links = await api.links(this.roomId, this.token)
      this.#error = null
    } catch (err) {
      this.#error = message(err, 'Could not load the links.')
    } finally {
      this.#loaded = true
    }
  }

  /** A new link; resolves with it (null if refused, with the reason in `error`). */
  async add(role: Role, label: string): Promise<InviteLink | null> {
    return this.#run(async () => {
      const link = await api.addLink(this.roomId, this.token, role, label.trim() || undefined)
      this.#links = [...this.#links, link]
      return link
    }, 'Could not add the link.')
  }

  async revoke(link: InviteLink): Promise<void> {
    await this.#run(async () => {
      const revoked = await api.revokeLink(this.roomId, this.token, link.id)
      this.#links = this.#links.map((l) => (l.id === link.id ? { ...l, ...revoked } : l))
      return null
    }, 'Could not revoke the link.')
  }

  async #run<T>(action: () => Promise<T>, fallback: string): Promise<T | null> {
    this.#busy = true
    this.#error = null
    try {
      return await action()
    } catch (err) {
      this.#error = message(err, fallback)
      return null
    } finally {
      this.#busy = false
    }
  }
}
