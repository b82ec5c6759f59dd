import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type * as awarenessProtocol from 'y-protocols/awareness'
import { AppError } from '../../shared/errors.js'

/** Awareness is presence (names, cursors, selections): small, and one or two clients a socket. */
export const AWARENESS_LIMITS = {
  /** Client ids one socket may announce (a provider has one; a few more for tabs sharing a socket). */
  idsPerSocket: 8,
  /** Bytes of one client's state as JSON (a selection of hundreds of parts fits). */
  stateBytes: 32 * 1024,
} as const

/** A socket as the guard sees it: the invite link it came through, and the ids it owns. */
export interface AwarenessOwner {
  readonly linkId: string
  readonly awarenessIds: Set<number>
  /** Its people are silent in this room (an observer of a hiring panel): their cursors are never shown to the candidate. */
  readonly silent?: boolean
}

interface Entry {
  clientId: number
  clock: number
  json: string
}

/**
 * Decides what of an awareness update a socket may apply. A socket owns the client ids it was
 * first to announce a state for (or that a socket of the same invite link owned); it may set and
 * clear only those. Entries for ids another socket
 * owns are dropped, not refused: every stock provider echoes the states it receives (and its own
 * timeouts of them) back to the server. Returns the update to apply (the same bytes when all of it
 * is allowed), or null when nothing is. Throws AppError('invalid') for bytes that do not decode,
 * before any of it applies, and AppError('too_large') past AWARENESS_LIMITS.
 */
export function admitAwareness<C extends AwarenessOwner>(update: Uint8Array, awareness: awarenessProtocol.Awareness, owners: Map<number, C>, conn: C): Uint8Array | null {
  const entries = decodeEntries(update)
  const kept: Entry[] = []
  for (const entry of entries) {
    if (entry.json.length > AWARENESS_LIMITS.stateBytes) {
      throw new AppError('too_large', `an awareness state is over ${AWARENESS_LIMITS.stateBytes} bytes`)
    }
    const owner = owners.get(entry.clientId)
    if (owner !== undefined && owner !== conn && owner.linkId !== conn.linkId) continue
    // Unowned and about to be set, or newer news of the same person on a new socket (a reconnect
    // while the old socket is not yet known dead; an echo is never newer): this socket owns it now.
    const sameLink = owner !== undefined && owner !== conn
    if (sameLink && !applies(awareness, entry)) continue
    if (sameLink || (owner === undefined && entry.json !== 'null' && applies(awareness, entry))) {
      if (conn.awarenessIds.size >= AWARENESS_LIMITS.idsPerSocket) {
        throw new AppError('too_large', `a socket may announce at most ${AWARENESS_LIMITS.idsPerSocket} clients`)
      }
      owner?.awarenessIds.delete(entry.clientId)
      owners.set(entry.clientId, conn)
      conn.awarenessIds.add(entry.clientId)
    }
    kept.push(entry)
  }
  if (kept.length === entries.length) return update
  return kept.length === 0 ? null : encodeEntries(kept)
}

/** y-protocols' own rule (applyAwarenessUpdate): a newer clock replaces a state. */
function applies(awareness: awarenessProtocol.Awareness, entry: Entry): boolean {
  const meta = awareness.meta.get(entry.clientId)
  return meta === undefined || meta.clock < entry.clock
}

/**
 * Decodes a whole awareness update. `applyAwarenessUpdate` stores states entry by entry and reports
 * them only at the end, so a broken entry after a good one would leave a state that no socket
 * owns: refuse the message before any of it applies.
 */
function decodeEntries(update: Uint8Array): Entry[] {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: Entry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      JSON.parse(json)
      entries.push({ clientId, clock, json })
    }
    return entries
  } catch {
    throw new AppError('invalid', 'awareness update does not decode')
  }
}

function encodeEntries(entries: readonly Entry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId)
    encoding.writeVarUint(encoder, e.clock)
    encoding.writeVarString(encoder, e.json)
  }
  return encoding.toUint8Array(encoder)
}
