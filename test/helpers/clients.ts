import { io, type Socket } from 'socket.io-client'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { ClientToServer, RoomStatePayload, ServerToClient } from '../../shared/protocol/events.js'

export interface CreatedRoom {
  room: { id: string; [k: string]: unknown }
  links: Record<'interviewer' | 'candidate' | 'observer', string>
  tokens: Record<'interviewer' | 'candidate' | 'observer', string>
}

/** POST /api/rooms, expecting 201. */
export async function createRoom(baseUrl: string, body: Record<string, unknown> = {}): Promise<CreatedRoom> {
  const res = await fetch(`${baseUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${await res.text()}`)
  return (await res.json()) as CreatedRoom
}

/** fetch with a bearer token; returns status and parsed JSON body. */
export async function api(baseUrl: string, path: string, opts: { token?: string; method?: string; body?: unknown; rawBody?: string } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? 'POST' : 'GET'),
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined || opts.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  })
  const text = await res.text()
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {
    json = text
  }
  return { status: res.status, body: json }
}

export interface YClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Resolves on the first sync with the server. */
  synced: Promise<void>
  destroy(): void
}

/** A stock y-websocket provider, as any client would use it. `doc: 'private'` opens the interviewer doc. */
export function connectY(baseUrl: string, roomId: string, token: string, opts: { doc?: 'board' | 'private'; ydoc?: Y.Doc } = {}): YClient {
  const doc = opts.ydoc ?? new Y.Doc()
  const wsUrl = baseUrl.replace(/^http/, 'ws') + '/yjs'
  const name = opts.doc === 'private' ? `${roomId}/private` : roomId
  const provider = new WebsocketProvider(wsUrl, name, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
    maxBackoffTime: 300,
  })
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve()
    else provider.once('sync', (s: boolean) => s && resolve())
  })
  return {
    doc,
    provider,
    synced,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

export type ClientSocket = Socket<ServerToClient, ClientToServer>

/** A socket.io client with the room state it received on connect. */
export async function connectSocket(baseUrl: string, token: string, name?: string): Promise<{ socket: ClientSocket; state: RoomStatePayload }> {
  const socket: ClientSocket = io(baseUrl, { auth: { token, ...(name ? { name } : {}) }, transports: ['websocket'], reconnection: false, forceNew: true })
  const state = await new Promise<RoomStatePayload>((resolve, reject) => {
    socket.once('room:state', resolve)
    socket.once('connect_error', (err) => reject(Object.assign(err, { code: (err as any).data?.code })))
  })
  return { socket, state }
}

/** Polls until `check` returns truthy or the time runs out (bounded: tests never hang). */
export async function waitFor<T>(check: () => T | Promise<T>, { timeout = 5000, interval = 20, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeout
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, interval))
  }
}

/** Adds a canvas node the way the web client does (board doc layout of DESIGN.md). */
export function addNode(doc: Y.Doc, id: string, fields: { kind?: string; label?: string; x?: number; y?: number } = {}) {
  doc.transact(() => {
    const node = new Y.Map<unknown>()
    node.set('kind', fields.kind ?? 'service')
    node.set('label', fields.label ?? id)
    node.set('x', fields.x ?? 0)
    node.set('y', fields.y ?? 0)
    node.set('w', 160)
    node.set('h', 60)
    doc.getMap('nodes').set(id, node)
  })
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
