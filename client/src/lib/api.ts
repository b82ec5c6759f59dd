import type { Kit, KitInput, Level, RoomMode } from '../../../shared/kits/kit.js'
import type { CreateRoomInput, KitView, QuestionView, Room, RoundSummary } from '../../../shared/rooms/room.js'
import type { ActivityBucket, StepTimeline, TimerMark } from '../../../shared/replay/timeline.js'
import type { Report } from '../../../shared/report/report.js'
import type { InviteLink, SeatAnswer } from '../../../shared/rooms/links.js'
import type { Role } from '../../../shared/rooms/roles.js'
import type { RubricsStatusPayload } from '../../../shared/protocol/events.js'
import type { CalibrationRow, Rubric, RubricDraft, SharedFeedback } from '../../../shared/rubric/rubric.js'
import type { TimerState } from '../../../shared/timer/timer.js'

/** An HTTP error reply (`{ error: { code, message } }`), or `network` when there was no reply. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What the server adds where a client can act on it, e.g. `{ missing: [...] }` for a submit. */
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface KitSummary {
  id: string
  version: number
  builtIn: boolean
  title: string
  description: string
  minutes: number
  steps: { key: string; title: string; minutes: number }[]
}
export interface QuestionSummary {
  id: string
  title: string
  prompt: string
  tags: string[]
}
export interface CreatedRoom {
  room: Room
  links: Record<Role, string>
  tokens: Record<Role, string>
}
export interface RoomInfo {
  room: Room
  /** The role in the current round; `linkRole` is the invite link's own (peers swap each round). */
  role: Role
  linkRole: Role
  rounds: RoundSummary[]
  kit: KitView
  question: QuestionView | null
  timer: TimerState
  serverNow: number
}
export type PanelEntry = RubricsStatusPayload['panel'][number]
/** `GET /api/rooms/:id/rubrics?round=N`: an interviewer's own rubric and, once submitted, the panel's. */
export interface RubricsView {
  round: number
  /** Version 0: never saved. */
  mine: Rubric
  others: Rubric[]
  panel: PanelEntry[]
  calibration: CalibrationRow[] | null
  feedback: { sharedAt: string; rubricId: string | null } | null
}
/** `GET /api/rooms/:id/replay`: a recorded round's timeline (times are server ms since epoch). */
export interface ReplayTimeline {
  round: number
  start: number
  end: number
  durationMs: number
  /** The round is still going: `end` is when this was read. */
  live: boolean
  serverNow: number
  steps: StepTimeline[]
  marks: TimerMark[]
  presence: { name: string; role: Role; color: string; joinedAt: number; leftAt: number | null }[]
  activity: { bucketMs: number; buckets: ActivityBucket[] }
  docs: ReplayDoc[]
}
export type ReplayDoc = 'board' | 'private'
export type SaveRubricInput = RubricDraft & { expectedVersion?: number; name?: string }
export type { CreateRoomInput, InviteLink, KitInput, Level, Report, RoomMode, Role, SeatAnswer }

async function send(path: string, init: { method?: string; body?: unknown; token?: string; accept?: string } = {}): Promise<Response> {
  let res: Response
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        accept: init.accept ?? 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
  } catch {
    throw new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.')
  }
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => null)
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error
    throw new ApiError(res.status, error?.code ?? 'internal', error?.message ?? `The server answered ${res.status}.`, error?.details)
  }
  return res
}

async function request<T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const res = await send(path, init)
  return (await res.json().catch(() => null)) as T
}

/** A binary reply (replay states and updates) with the headers that describe it. */
async function requestBytes(path: string, token: string): Promise<{ bytes: Uint8Array; headers: Headers }> {
  const res = await send(path, { token, accept: 'application/octet-stream' })
  return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers }
}

const roomPath = (roomId: string, rest = '') => `/api/rooms/${encodeURIComponent(roomId)}${rest}`

export const api = {
  kits: () => request<{ kits: KitSummary[] }>('/api/kits').then((r) => r.kits),
  /** A kit; its hints and anchors come only with the kit's edit token (or for the built-in kit). */
  kit: (id: string, editToken?: string) =>
    request<{ kit: Kit | KitView }>(`/api/kits/${encodeURIComponent(id)}`, editToken ? { token: editToken } : {}).then((r) => r.kit),
  createKit: (input: KitInput) => request<{ kit: Kit; editToken: string }>('/api/kits', { method: 'POST', body: input }),
  updateKit: (id: string, editToken: string, input: KitInput) =>
    request<{ kit: Kit }>(`/api/kits/${encodeURIComponent(id)}`, { method: 'PUT', body: input, token: editToken }).then((r) => r.kit),
  questions: () => request<{ questions: QuestionSummary[] }>('/api/questions').then((r) => r.questions),
  createRoom: (input: CreateRoomInput) => request<CreatedRoom>('/api/rooms', { method: 'POST', body: input }),
  room: (roomId: string, token: string) => request<RoomInfo>(roomPath(roomId), { token }),
  /** Swap roles (peer practice, after the interview ended): the next round, with a new question. */
  nextRound: (roomId: string, token: string, questionId?: string) =>
    request<{ room: Room; timer: TimerState }>(roomPath(roomId, '/rounds'), { method: 'POST', token, body: questionId ? { questionId } : {} }),
  rubrics: (roomId: string, token: string, round: number) => request<RubricsView>(roomPath(roomId, `/rubrics?round=${round}`), { token }),
  saveRubric: (roomId: string, token: string, round: number, input: SaveRubricInput) =>
    request<{ rubric: Rubric }>(roomPath(roomId, `/rubrics/mine?round=${round}`), { method: 'PUT', token, body: input }).then((r) => r.rubric),
  submitRubric: (roomId: string, token: string, round: number, expectedVersion: number) =>
    request<{ rubric: Rubric }>(roomPath(roomId, `/rubrics/mine/submit?round=${round}`), { method: 'POST', token, body: { expectedVersion } }).then(
      (r) => r.rubric,
    ),
  shareFeedback: (roomId: string, token: string, round: number) =>
    request<{ feedback: SharedFeedback }>(roomPath(roomId, `/feedback/share?round=${round}`), { method: 'POST', token, body: {} }).then((r) => r.feedback),
  /** The feedback shared with this link (candidates: 403 until something is shared). */
  feedback: (roomId: string, token: string) => request<{ feedback: SharedFeedback[] }>(roomPath(roomId, '/feedback'), { token }).then((r) => r.feedback),
  /** Every invite link of the room, revoked ones too, with who used each (interviewers only). */
  links: (roomId: string, token: string) => request<{ links: InviteLink[] }>(roomPath(roomId, '/links'), { token }).then((r) => r.links),
  /** A new invite link (interviewers only): another panelist, for instance. */
  addLink: (roomId: string, token: string, role: Role, label?: string) =>
    request<{ link: InviteLink & { url: string; token: string } }>(roomPath(roomId, '/links'), {
      method: 'POST',
      token,
      body: label ? { role, label } : { role },
    }).then((r) => r.link),
  /** Revokes a link: whoever holds it is out at once (interviewers only). */
  revokeLink: (roomId: string, token: string, linkId: string) =>
    request<{ link: InviteLink }>(roomPath(roomId, `/links/${encodeURIComponent(linkId)}`), { method: 'DELETE', token }).then((r) => r.link),
  /** Takes this link's seat for this browser (a panel's interviewer links); `force`: "it is me, on another device". */
  claimSeat: (roomId: string, token: string, device: string, force = false) =>
    request<SeatAnswer>(roomPath(roomId, '/links/mine/claim'), { method: 'POST', token, body: force ? { device, force } : { device } }),
  /** A round's timeline: steps, timer marks, presence and activity in buckets of `bucketMs`. */
  replay: (roomId: string, token: string, round: number, bucketMs?: number) =>
    request<ReplayTimeline>(roomPath(roomId, `/replay?round=${round}${bucketMs ? `&bucket=${bucketMs}` : ''}`), { token }),
  /** A doc as it was at `t`: a Yjs update for a fresh doc, and the last log seq it includes. */
  replayState: async (roomId: string, token: string, round: number, doc: ReplayDoc, t: number) => {
    const { bytes, headers } = await requestBytes(roomPath(roomId, `/replay/state?round=${round}&doc=${doc}&t=${Math.floor(t)}`), token)
    return { update: bytes, seq: Number(headers.get('x-replay-seq') ?? 0) }
  },
  /** The updates after log seq `after` up to time `until`, framed (see features/replay/frames.ts); `more` when `limit` cut them. */
  replayUpdates: async (roomId: string, token: string, round: number, doc: ReplayDoc, after: number, until: number, limit: number) => {
    const { bytes, headers } = await requestBytes(roomPath(roomId, `/replay/updates?round=${round}&doc=${doc}&after=${after}&until=${Math.floor(until)}&limit=${limit}`), token)
    return { bytes, more: headers.get('x-replay-more') === 'true' }
  },
  report: (roomId: string, token: string, round: number) => request<Report>(roomPath(roomId, `/report?round=${round}`), { token }),
  reportMarkdown: async (roomId: string, token: string, round: number) =>
    (await send(roomPath(roomId, `/report?round=${round}&format=md`), { token, accept: 'text/markdown' })).blob(),
}
