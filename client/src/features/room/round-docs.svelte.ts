import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { yjsRoomName } from '../../../../shared/rooms/rounds.js'

const yjsUrl = () => location.origin.replace(/^http/, 'ws') + '/yjs'

export type User = { name: string; color: string; colorLight: string }

/**
 * The Yjs documents of one round: its board (canvas and shared notes) and, for whoever
 * interviewed in it, its private notes. Each round has its own fresh docs; a past round's are
 * read-only on the server. Components bind to one RoundDocs and are rebuilt for another.
 */
export class RoundDocs {
  readonly round: number
  readonly board = new Y.Doc()
  readonly privateDoc: Y.Doc | null
  readonly boardProvider: WebsocketProvider
  readonly privateProvider: WebsocketProvider | null
  #boardUp = $state(false)
  #synced = $state(false)
  #destroyed = false

  /**
   * Providers exist from here on, not yet connected; `onClosed` hears a final refusal
   * (4401/4403/4404). A new round's 4500 close is not final: the providers reconnect by themselves.
   */
  constructor(roomId: string, token: string, round: number, opts: { withPrivate: boolean; onClosed: (code: number, reason: string) => void }) {
    this.round = round
    const params = { token }
    this.boardProvider = new WebsocketProvider(yjsUrl(), yjsRoomName(roomId, 'board', round), this.board, { params, connect: false, disableBc: true })
    this.privateDoc = opts.withPrivate ? new Y.Doc() : null
    this.privateProvider = this.privateDoc
      ? new WebsocketProvider(yjsUrl(), yjsRoomName(roomId, 'private', round), this.privateDoc, { params, connect: false, disableBc: true })
      : null
    this.boardProvider.on('status', ({ status }: { status: string }) => (this.#boardUp = status === 'connected'))
    this.boardProvider.on('sync', (synced: boolean) => {
      if (synced) this.#synced = true
    })
    for (const provider of [this.boardProvider, this.privateProvider]) {
      provider?.on('closed', ({ code, reason }: { code: number; reason: string }) => opts.onClosed(code, reason))
    }
  }

  get boardUp(): boolean {
    return this.#boardUp
  }
  /** The board has its first sync: what is shown is the round's content, not an empty doc. */
  get synced(): boolean {
    return this.#synced
  }

  setUser(user: User): void {
    this.boardProvider.awareness.setLocalStateField('user', user)
    this.privateProvider?.awareness.setLocalStateField('user', user)
  }

  connect(user: User): void {
    if (this.#destroyed) return
    this.setUser(user)
    this.boardProvider.connect()
    this.privateProvider?.connect()
  }

  disconnect(): void {
    this.boardProvider.disconnect()
    this.privateProvider?.disconnect()
  }

  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.boardProvider.destroy()
    this.privateProvider?.destroy()
    this.board.destroy()
    this.privateDoc?.destroy()
  }
}
