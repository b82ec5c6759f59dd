/**
 * One entry of a document's relay stream, as one binary value (the stream's only field, `m`, and
 * the message published with it): a text header, a newline, then the Yjs bytes untouched.
 *
 *   `{kind}|{node}|{link}|{count}|{target}|{flags}\n{bytes}`
 *
 * - kind: 'u' an update, 'a' an awareness update, 'h' a node's state vector (hello), 'd' the
 *   answer to a hello (a diff);
 * - node: the node that sent it, first so a node skips its own entries before decoding anything;
 * - link: the invite link the update or awareness came through ('' for h and d);
 * - count: the sender's count of updates it had published (u and d), '' otherwise;
 * - target: the node a diff answers ('' otherwise);
 * - flags: 's' when the link's people are silent (awareness of a hiring panel's observers, which
 *   its candidate never sees), '' otherwise.
 */
export type EntryKind = 'u' | 'a' | 'h' | 'd'

export interface RelayEntry {
  kind: EntryKind
  node: string
  link: string
  count: number | null
  target: string
  /** Awareness of silent people (a hiring panel's observers). */
  silent?: boolean
  bytes: Uint8Array
}

const KINDS = new Set<string>(['u', 'a', 'h', 'd'])
const NEWLINE = 0x0a
const BAR = 0x7c
/** Ids go into the header as they are: they must never hold its separators. */
const PLAIN = /^[^|\n]*$/

export function encodeEntry(e: RelayEntry): Buffer {
  for (const id of [e.node, e.link, e.target]) if (!PLAIN.test(id)) throw new Error(`relay entry: an id holds '|' or a newline: ${JSON.stringify(id)}`)
  const header = Buffer.from(`${e.kind}|${e.node}|${e.link}|${e.count ?? ''}|${e.target}|${e.silent ? 's' : ''}\n`, 'latin1')
  return Buffer.concat([header, e.bytes])
}

/** Whether `entry` was sent by `node` (its id as bytes), without decoding it. */
export function sentBy(entry: Buffer, node: Buffer): boolean {
  return entry.length > node.length + 2 && entry[node.length + 2] === BAR && entry.compare(node, 0, node.length, 2, node.length + 2) === 0
}

/** The entry, or null when `raw` is not one (another version's, or damaged): such an entry is skipped. */
export function decodeEntry(raw: Buffer): RelayEntry | null {
  const end = raw.indexOf(NEWLINE)
  if (end < 0) return null
  const fields = raw.toString('latin1', 0, end).split('|')
  if (fields.length !== 6 || !KINDS.has(fields[0]!) || !fields[1]) return null
  const [kind, node, link, count, target, flags] = fields as [EntryKind, string, string, string, string, string]
  const n = count === '' ? null : Number(count)
  if (n !== null && !Number.isSafeInteger(n)) return null
  return { kind, node, link, count: n, target, ...(flags.includes('s') ? { silent: true } : {}), bytes: new Uint8Array(raw.buffer, raw.byteOffset + end + 1, raw.byteLength - end - 1) }
}

/** Whether stream id `a` (`ms-seq`) comes after `b`. */
export function isAfter(a: string, b: string): boolean {
  const [am, as] = split(a)
  const [bm, bs] = split(b)
  return am > bm || (am === bm && as > bs)
}

function split(id: string): [number, number] {
  const dash = id.indexOf('-')
  return dash < 0 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))]
}
