import { createContext } from 'svelte'
import { api } from '../../lib/api.js'
import type { RoomSession } from '../room/room.svelte.js'
import { deviceStore } from './local-copy.js'
import { type RubricApi, RubricState } from './rubric.svelte.js'

/** The rubric endpoints of one round of a room, with this link's token. */
function rubricApi(roomId: string, token: string, round: number): RubricApi {
  return {
    get: () => api.rubrics(roomId, token, round),
    save: (input) => api.saveRubric(roomId, token, round, input),
    submit: (expectedVersion) => api.submitRubric(roomId, token, round, expectedVersion),
    share: () => api.shareFeedback(roomId, token, round),
  }
}

/**
 * This person's rubrics in a room, one per round they interview in, opened on first use and
 * kept while the room is open (so switching rounds never drops an unsaved edit). Socket events
 * reach the rubric of their round.
 */
export class RubricBook {
  #session: RoomSession
  #rubrics = new Map<number, RubricState>()
  #cleanup: (() => void)[] = []

  constructor(session: RoomSession) {
    this.#session = session
    this.#cleanup.push(
      session.onRubrics((payload) => this.#rubrics.get(payload.round)?.applyPanel(payload)),
      session.onFeedback(({ round, sharedAt }) => this.#rubrics.get(round)?.markShared(sharedAt)),
      session.onConnect(() => {
        for (const rubric of this.#rubrics.values()) {
          void rubric.refresh()
          rubric.autosave.retryNow()
        }
      }),
    )
    const online = () => {
      for (const rubric of this.#rubrics.values()) rubric.autosave.retryNow()
    }
    window.addEventListener('online', online)
    this.#cleanup.push(() => window.removeEventListener('online', online))
  }

  /** The rubric of `round`, when this person interviews in it; null otherwise. */
  for(round: number): RubricState | null {
    const session = this.#session
    if (!session.info || !session.token || session.roleIn(round) !== 'interviewer') return null
    let rubric = this.#rubrics.get(round)
    if (!rubric) {
      const created = new RubricState({
        roomId: session.roomId,
        round,
        stepKeys: session.info.kit.steps.map((s) => s.key),
        api: rubricApi(session.roomId, session.token, round),
        store: deviceStore(),
        name: () => session.presence.you?.name,
      })
      this.#rubrics.set(round, created)
      // Not inside the render that asked for it: loading changes state.
      queueMicrotask(() => void created.load())
      rubric = created
    }
    return rubric
  }

  destroy(): void {
    for (const fn of this.#cleanup) fn()
    for (const rubric of this.#rubrics.values()) rubric.dispose()
    this.#rubrics.clear()
  }
}

export const [getRubrics, setRubrics] = createContext<RubricBook>()
