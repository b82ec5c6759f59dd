import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { applyStored } from '../../server/collab/keyframe.js'
import type { TestServer } from './server.js'

/** A plain `ws` client on the Yjs endpoint: what it received, and how it was closed. */
export interface RawY {
  ws: WebSocket
  /** Resolves once the server greeted the socket (its sync step 1): the document is loaded. */
  greeted: Promise<void>
  closed: Promise<{ code: number; reason: string }>
  /** Every binary message received, in order. */
  received: Uint8Array[]
  send(bytes: Uint8Array): void
  /** Sends, then waits until the server has read it (an echo of a sync step 1 it answers). */
  sendAndSettle(bytes: Uint8Array): Promise<void>
}

export function rawY(s: TestServer, roomId: string, token: string, doc: 'board' | 'private' = 'board'): RawY {
  const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/yjs/${roomId}${doc === 'private' ? '/private' : ''}?token=${encodeURIComponent(token)}`)
  ws.binaryType = 'nodebuffer'
  ws.on('error', () => {})
  const received: Uint8Array[] = []
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
  const greeted = new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve())
    ws.once('close', (code) => reject(new Error(`closed with ${code} before the greeting`)))
  })
  greeted.catch(() => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  const send = (bytes: Uint8Array) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true })
  }
  return {
    ws,
    greeted,
    closed,
    received,
    send,
    async sendAndSettle(bytes) {
      send(bytes)
      // The server answers a sync step 1 in order, after everything sent before it.
      const before = received.length
      send(syncStep1Message(new Y.Doc()))
      const deadline = Date.now() + 5000
      while (received.length === before && ws.readyState === WebSocket.OPEN && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    },
  }
}

/** A y-websocket sync "update" message carrying `update`. */
export function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

/** A sync step 2 with all of `doc` (an empty doc: "I have nothing you lack", as a synced client answers). */
export function syncStep2Message(doc: Y.Doc = new Y.Doc()): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2)
  encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc))
  return encoding.toUint8Array(e)
}

export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  syncProtocol.writeSyncStep1(e, doc)
  return encoding.toUint8Array(e)
}

/** An awareness message from raw entries. */
export function awarenessMessage(entries: Array<{ clientId: number; clock: number; state: unknown }>): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(inner, entry.clientId)
    encoding.writeVarUint(inner, entry.clock)
    encoding.writeVarString(inner, JSON.stringify(entry.state))
  }
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}

/** The server's live copy of a document (from memory; null when it is not loaded). */
export async function liveDoc(s: TestServer, roomId: string, doc = 'board'): Promise<Y.Doc | null> {
  const state = await s.docs.stateOf(roomId, doc)
  if (!state) return null
  const d = new Y.Doc()
  Y.applyUpdate(d, state)
  return d
}

/** The document as the log rebuilds it (keyframe + tail), after every queued write. */
export async function logDoc(s: TestServer, roomId: string, doc = 'board'): Promise<Y.Doc> {
  await s.store.flush()
  const stored = await s.store.load(roomId, doc)
  const d = new Y.Doc()
  applyStored(d, stored.keyframe, stored.tail)
  return d
}

/**
 * A document's content in a form two copies share whatever their structs' splitting: per root
 * type, its live sequence content and its live map entries, nested types recursively, plus
 * whatever Yjs still holds as pending (which a doc built from the log must not differ in).
 */
export function canonical(doc: Y.Doc): unknown {
  const out: Record<string, unknown> = {}
  // A root type with nothing in it is no content: decoding an update names its parents' root
  // types (Yjs creates them empty) even when none of its structs is new.
  for (const key of [...doc.share.keys()].sort()) {
    const type = doc.share.get(key)!
    if (type._start !== null || type._map.size > 0) out[key] = typeContent(type)
  }
  const sv = [...Y.decodeStateVector(Y.encodeStateVector(doc)).entries()].sort((a, b) => a[0] - b[0])
  return { content: out, sv, pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function typeContent(type: Y.AbstractType<any>): unknown {
  const seq: unknown[] = []
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    for (const c of item.content.getContent()) seq.push(c instanceof Y.AbstractType ? typeContent(c) : c)
  }
  const map: Record<string, unknown> = {}
  for (const key of [...type._map.keys()].sort()) {
    const item = type._map.get(key)!
    if (item.deleted) continue
    const c = item.content.getContent().at(-1)
    map[key] = c instanceof Y.AbstractType ? typeContent(c) : c
  }
  return { seq: seq.every((c) => typeof c === 'string') ? seq.join('') : seq, map }
}

/** A string struct of a hand-made update: under a root type (`parent`), or after `origin`. */
export interface RawStruct {
  text: string
  parent?: string
  origin?: { client: number; clock: number }
}

/**
 * v1 update bytes written by hand, for updates no Yjs encoder would write: each group is a client's
 * run of string structs from `clock`, then the deleted ranges.
 */
export function rawUpdate(
  groups: Array<{ client: number; clock: number; structs: RawStruct[] }>,
  deletes: Array<{ client: number; clock: number; len: number }> = [],
): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, groups.length)
  for (const g of groups) {
    encoding.writeVarUint(e, g.structs.length)
    encoding.writeVarUint(e, g.client)
    encoding.writeVarUint(e, g.clock)
    for (const s of g.structs) {
      const CONTENT_STRING = 4
      if (s.origin) {
        encoding.writeUint8(e, 0x80 | CONTENT_STRING)
        encoding.writeVarUint(e, s.origin.client)
        encoding.writeVarUint(e, s.origin.clock)
      } else {
        encoding.writeUint8(e, CONTENT_STRING)
        encoding.writeVarUint(e, 1) // the parent is a root type, by name
        encoding.writeVarString(e, s.parent ?? 'notes:clarify')
      }
      encoding.writeVarString(e, s.text)
    }
  }
  encoding.writeVarUint(e, new Set(deletes.map((d) => d.client)).size)
  for (const client of new Set(deletes.map((d) => d.client))) {
    const ranges = deletes.filter((d) => d.client === client)
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, ranges.length)
    for (const r of ranges) {
      encoding.writeVarUint(e, r.clock)
      encoding.writeVarUint(e, r.len)
    }
  }
  return encoding.toUint8Array(e)
}
