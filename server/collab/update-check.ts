import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'

/**
 * What `checkUpdate` found an incoming v1 update to be, before any of it touches the live document:
 * - `complete`: every struct and deletion can be integrated now, with nothing left pending; the
 *   counts say what it adds, for the board limits;
 * - `missing`: it depends on something the document does not have yet (a clock gap, an origin or
 *   a deleted item the server never received). Applying it would leave Yjs "pending" state, which
 *   the log would not hold; the client's own resync (sync step 1/2) brings it whole;
 * - `undecided`: a dependency lies inside the update itself, on another client's structs, so only
 *   Yjs' own integration order can tell: try it on a scratch copy first.
 * A malformed update (bytes that do not decode, impossible references) throws `InvalidUpdate`.
 */
export type UpdateVerdict =
  | { kind: 'complete' | 'undecided'; adds: Additions }
  | { kind: 'missing'; reason: string }

/** What an update adds at most, for the board limits (a key or text it repeats counts too). */
export interface Additions {
  /** Keys of the board's `nodes` map that the document does not have yet. */
  nodes: number
  /** Likewise for `edges`. */
  edges: number
  /** Characters of text, wherever they go. */
  textChars: number
}

export class InvalidUpdate extends Error {}

/** Yjs' v1 struct info bits and content refs (yjs/src/structs/Item.js, utils/encoding.js). */
const HAS_ORIGIN = 0x80
const HAS_RIGHT_ORIGIN = 0x40
const HAS_PARENT_SUB = 0x20
const CONTENT = 0x1f
const GC_REF = 0
const SKIP_REF = 10
const CONTENT_STRING = 4
const CONTENT_TYPE = 7
const CONTENT_DOC = 9
/** Type refs of ContentType (yjs/src/structs/ContentType.js): XmlElement and XmlHook carry a name. */
const TYPE_REFS = 7
const XML_ELEMENT = 3
const XML_HOOK = 5

/**
 * Reads a v1 update once, without building any Yjs object, and decides whether the document can
 * take all of it. The rules are Yjs' own (integrateStructs, Item.getMissing, readAndApplyDeleteSet):
 * a client's structs must start at or before the document's clock for it and be contiguous; an
 * origin, right origin or parent of another client must already be in the document (or in this
 * update: undecided); one of the same client must come before the struct itself (a real client
 * never writes otherwise, and Yjs would throw half-way through); every deleted range must lie
 * inside what the document will have. `nodes` and `edges` are the board's root maps: the verdict
 * counts the keys the update adds to them, and the text it carries.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array): UpdateVerdict {
  const store = doc.store
  const d = decoding.createDecoder(update)
  let newNodes = 0
  let newEdges = 0
  let textChars = 0
  let undecided = false
  /** The first thing found missing; the rest is still read, so a malformed update is refused as such. */
  let missing: string | null = null
  /** Per client of this update (few: usually one), how far its structs reach from the document's clock. */
  const reachClients: number[] = []
  const reachEnds: number[] = []
  /** Other clients' references the document lacks, as client, clock pairs: checked once all groups are read. */
  let foreign: number[] | null = null
  /** Keys this update adds to the board's maps, so a key set twice counts once. */
  let nodeKeys: Set<string> | null = null
  let edgeKeys: Set<string> | null = null
  try {
    const groups = decoding.readVarUint(d)
    for (let g = 0; g < groups; g++) {
      const structs = decoding.readVarUint(d)
      const client = decoding.readVarUint(d)
      let clock = decoding.readVarUint(d)
      if (reachClients.includes(client)) throw new InvalidUpdate(`client ${client} appears twice`)
      if (structs === 0) throw new InvalidUpdate('empty struct group')
      let end = Y.getState(store, client)
      for (let i = 0; i < structs; i++) {
        const info = decoding.readUint8(d)
        const ref = info & CONTENT
        if (clock > end) missing ??= `client ${client} from clock ${clock}, the document has up to ${end}`
        if (ref === GC_REF || ref === SKIP_REF) {
          const len = readLength(d)
          // A skip is a hole: the update does not carry that range, so it only counts if known.
          if (ref === GC_REF) end = Math.max(end, clock + len)
          clock += len
          continue
        }
        // An item: its references (arguments are read left to right), then its content.
        if (info & HAS_ORIGIN) foreign = refer(store, client, clock, decoding.readVarUint(d), decoding.readVarUint(d), foreign)
        if (info & HAS_RIGHT_ORIGIN) foreign = refer(store, client, clock, decoding.readVarUint(d), decoding.readVarUint(d), foreign)
        if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
          let parentKey: string | null = null
          if (decoding.readVarUint(d) === 1) parentKey = decoding.readVarString(d)
          else foreign = refer(store, client, clock, decoding.readVarUint(d), decoding.readVarUint(d), foreign)
          if (info & HAS_PARENT_SUB) {
            const sub = decoding.readVarString(d)
            // A key set with no origin is a key the map may not have yet (setting an existing key
            // names the previous value as origin): count it against the board limits.
            if (parentKey === 'nodes' && !mapHas(doc, 'nodes', sub) && !(nodeKeys ??= new Set()).has(sub)) {
              nodeKeys.add(sub)
              newNodes++
            } else if (parentKey === 'edges' && !mapHas(doc, 'edges', sub) && !(edgeKeys ??= new Set()).has(sub)) {
              edgeKeys.add(sub)
              newEdges++
            }
          }
        }
        const len = readContent(d, ref)
        if (ref === CONTENT_STRING) textChars += len
        end = Math.max(end, clock + len)
        clock += len
      }
      reachClients.push(client)
      reachEnds.push(end)
    }
    if (foreign !== null) {
      for (let i = 0; i < foreign.length; i += 2) {
        const [client, clock] = [foreign[i]!, foreign[i + 1]!]
        if (clock >= reachOf(store, reachClients, reachEnds, client)) missing ??= `refers to ${client}:${clock}, which the document does not have`
        // Inside this update, on another client's structs: Yjs' stack decides the order.
        else undecided = true
      }
    }
    // The delete set: every range must lie inside what the document has once the structs are in.
    const clients = decoding.readVarUint(d)
    for (let c = 0; c < clients; c++) {
      const client = decoding.readVarUint(d)
      const ranges = decoding.readVarUint(d)
      const has = reachOf(store, reachClients, reachEnds, client)
      for (let r = 0; r < ranges; r++) {
        const clock = decoding.readVarUint(d)
        const len = decoding.readVarUint(d)
        if (clock + len > has) missing ??= `deletes ${client}:${clock}+${len}, the document has up to ${has}`
      }
    }
  } catch (err) {
    if (err instanceof InvalidUpdate) throw err
    throw new InvalidUpdate('update does not decode')
  }
  if (missing !== null) return { kind: 'missing', reason: missing }
  return { kind: undecided ? 'undecided' : 'complete', adds: { nodes: newNodes, edges: newEdges, textChars } }
}

/** How far the document will reach for `client` once the update's structs are in. */
function reachOf(store: Y.Doc['store'], clients: number[], ends: number[], client: number): number {
  const at = clients.indexOf(client)
  return at < 0 ? Y.getState(store, client) : ends[at]!
}

/**
 * Checks one reference of struct `client:clock`. One of its own client must come before it; one
 * of another client the document lacks is kept in `foreign` (returned, made on first use).
 */
function refer(store: Y.Doc['store'], client: number, clock: number, refClient: number, refClock: number, foreign: number[] | null): number[] | null {
  if (refClient === client) {
    if (refClock >= clock) throw new InvalidUpdate(`struct ${client}:${clock} refers to its own future ${refClock}`)
    return foreign
  }
  if (refClock < Y.getState(store, refClient)) return foreign
  const out = foreign ?? []
  out.push(refClient, refClock)
  return out
}

/**
 * Whether applying `update` to a copy of `doc` integrates all of it: no exception and nothing
 * left pending. For the rare update `checkUpdate` cannot decide; costs a copy of the document.
 */
export function integratesWhole(doc: Y.Doc, update: Uint8Array): boolean {
  const scratch = new Y.Doc({ gc: doc.gc })
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
    Y.applyUpdate(scratch, update)
    return scratch.store.pendingStructs === null && scratch.store.pendingDs === null
  } catch {
    return false
  } finally {
    scratch.destroy()
  }
}

/** A positive length: Yjs never encodes an empty struct, and one would break its clock arithmetic. */
function readLength(d: decoding.Decoder): number {
  const len = decoding.readVarUint(d)
  if (len === 0) throw new InvalidUpdate('empty struct')
  return len
}

/** Skips an item's content the way Yjs reads it, returning its length in clock units. */
function readContent(d: decoding.Decoder, ref: number): number {
  switch (ref) {
    case 1: // ContentDeleted
      return readLength(d)
    case 2: {
      // ContentJSON: strings of JSON, or 'undefined'
      const len = readLength(d)
      for (let i = 0; i < len; i++) {
        const s = decoding.readVarString(d)
        if (s !== 'undefined') JSON.parse(s)
      }
      return len
    }
    case 3: // ContentBinary
      decoding.readVarUint8Array(d)
      return 1
    case CONTENT_STRING: {
      const s = decoding.readVarString(d)
      if (s.length === 0) throw new InvalidUpdate('empty string struct')
      return s.length
    }
    case 5: // ContentEmbed
      JSON.parse(decoding.readVarString(d))
      return 1
    case 6: // ContentFormat
      decoding.readVarString(d)
      JSON.parse(decoding.readVarString(d))
      return 1
    case CONTENT_TYPE: {
      const typeRef = decoding.readVarUint(d)
      if (typeRef >= TYPE_REFS) throw new InvalidUpdate(`unknown type ${typeRef}`)
      if (typeRef === XML_ELEMENT || typeRef === XML_HOOK) decoding.readVarString(d)
      return 1
    }
    case 8: {
      // ContentAny
      const len = readLength(d)
      for (let i = 0; i < len; i++) decoding.readAny(d)
      return len
    }
    case CONTENT_DOC:
      // A board has no subdocuments, and a server-side subdocument is state no log row explains.
      throw new InvalidUpdate('subdocuments are not accepted')
    default:
      throw new InvalidUpdate(`unknown content ${ref}`)
  }
}

function mapHas(doc: Y.Doc, name: string, key: string): boolean {
  return doc.share.get(name)?._map.has(key) ?? false
}
