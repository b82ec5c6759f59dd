import type { Level, RoomMode } from '../../../shared/kits/kit.js'
import type { CreateRoomInput, KitView, QuestionView, Room } from '../../../shared/rooms/room.js'
import type { Role } from '../../../shared/rooms/roles.js'
import type { TimerState } from '../../../shared/timer/timer.js'

/** An HTTP error reply (`{ error: { code, message } }`), or `network` when there was no reply. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface KitSummary {
  id: string
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
  role: Role
  kit: KitView
  question: QuestionView | null
  timer: TimerState
  serverNow: number
}
export type { CreateRoomInput, Level, RoomMode, Role }

async function request<T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
  } catch {
    throw new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.')
  }
  const body: unknown = await res.json().catch(() => null)
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error
    throw new ApiError(res.status, error?.code ?? 'internal', error?.message ?? `The server answered ${res.status}.`)
  }
  return body as T
}

export const api = {
  kits: () => request<{ kits: KitSummary[] }>('/api/kits').then((r) => r.kits),
  questions: () => request<{ questions: QuestionSummary[] }>('/api/questions').then((r) => r.questions),
  createRoom: (input: CreateRoomInput) => request<CreatedRoom>('/api/rooms', { method: 'POST', body: input }),
  room: (roomId: string, token: string) => request<RoomInfo>(`/api/rooms/${encodeURIComponent(roomId)}`, { token }),
}
