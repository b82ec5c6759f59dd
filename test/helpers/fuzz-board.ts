import * as Y from 'yjs'
import { PART_KINDS } from '../../shared/canvas/parts.js'

/*
 * What the sync fuzzes share (yjs.sync-fuzz.test.ts: one server restarted under its clients;
 * nodes.sync-fuzz.test.ts: several nodes): a seeded random source, random board edits the way the
 * web client makes them, and what "the same document" means.
 */

/** A non-negative integer from the environment, or the fallback; anything else is an error. */
export const envInt = (name: string, fallback: number) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`)
  return n
}

export const STEP_KEYS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor'] as const
/** Words for labels and notes: ASCII, accents, CJK, and astral characters (surrogate pairs, a ZWJ sequence). */
const WORDS = ['DAU', 'p99 < 200 ms', 'features', 'embedding', 'ranker', 'A/B', 'recall@k', 'café', '日本語', '🙂', '👩‍💻', 'drift', 'two-tower', 'ANN', 'cold start']

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export class Rng {
  #state: number
  constructor(seed: number) {
    // Hashed first (murmur3's finaliser): mulberry32's first outputs for seeds 1, 2, 3 … are not
    // independent enough, and the first draws decide each seed's shape.
    let h = ((seed >>> 0) ^ Math.floor(seed / 2 ** 32) ^ 0x9e3779b9) >>> 0
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    this.#state = (h ^ (h >>> 16)) >>> 0
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!
  }
  words(max: number): string {
    const n = this.between(1, max)
    let s = ''
    for (let i = 0; i < n; i++) s += (i > 0 ? this.pick([' ', ' ', '\n', ', ']) : '') + this.pick(WORDS)
    return s
  }
}


export const tail = (s: string, n: number) => (s.length > n ? '…' + s.slice(-n) : s)

// ---------------------------------------------------------------------------------------------
// What "the same document" means: the canvas and every notes text as JSON (keys sorted: Y.Map
// iteration order may differ between replicas), the state vector, and no structs left pending.

export interface Snapshot {
  nodes: unknown
  edges: unknown
  notes: Record<string, string>
  stateVector: Array<[number, number]>
  pending: boolean
}

const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
  return v
}

export function snapshot(doc: Y.Doc): Snapshot {
  return {
    nodes: sortKeys(doc.getMap('nodes').toJSON()),
    edges: sortKeys(doc.getMap('edges').toJSON()),
    notes: Object.fromEntries(STEP_KEYS.map((k) => [k, doc.getText('notes:' + k).toString()])),
    stateVector: [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]),
    pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null,
  }
}

export const same = (a: Snapshot, b: Snapshot) => JSON.stringify(a) === JSON.stringify(b)

/** The parts two snapshots differ in, briefly, for the failure message. */
export function difference(a: Snapshot, b: Snapshot, an: string, bn: string): string {
  const out: string[] = []
  const show = (v: unknown) => tail(JSON.stringify(v) ?? 'undefined', 300)
  for (const part of ['nodes', 'edges'] as const) {
    const x = a[part] as Record<string, unknown>
    const y = b[part] as Record<string, unknown>
    for (const id of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (JSON.stringify(x[id]) !== JSON.stringify(y[id])) out.push(`${part}.${id}: ${an} ${show(x[id])} vs ${bn} ${show(y[id])}`)
    }
  }
  for (const k of STEP_KEYS) {
    if (a.notes[k] !== b.notes[k]) out.push(`notes:${k}: ${an} ${show(a.notes[k])} (${a.notes[k]!.length}) vs ${bn} ${show(b.notes[k])} (${b.notes[k]!.length})`)
  }
  if (JSON.stringify(a.stateVector) !== JSON.stringify(b.stateVector)) out.push(`state vector: ${an} ${show(a.stateVector)} vs ${bn} ${show(b.stateVector)}`)
  if (a.pending !== b.pending) out.push(`pending structs: ${an} ${a.pending} vs ${bn} ${b.pending}`)
  return out.slice(0, 12).join('\n') + (out.length > 12 ? `\n… ${out.length - 12} more` : '')
}


// ---------------------------------------------------------------------------------------------
// Random edits, the way the web client makes them.

/** A position in `s` that does not split a surrogate pair (CodeMirror never puts the cursor there). */
function charBoundary(s: string, pos: number): number {
  const c = s.charCodeAt(pos - 1)
  return pos > 0 && pos < s.length && c >= 0xd800 && c <= 0xdbff ? pos - 1 : pos
}

type Op = (rng: Rng, doc: Y.Doc) => string | null

const nodeIds = (doc: Y.Doc) => [...doc.getMap('nodes').keys()].sort()
const edgeIds = (doc: Y.Doc) => [...doc.getMap('edges').keys()].sort()

const OPS: Array<[weight: number, name: string, op: Op]> = [
  [
    3,
    'addNode',
    (rng, doc) => {
      // A small id space, so two clients sometimes set the same key concurrently.
      const id = `n${rng.int(30)}`
      const kind = rng.pick(PART_KINDS)
      doc.transact(() => {
        const node = new Y.Map<unknown>()
        node.set('kind', kind)
        node.set('label', rng.words(2))
        node.set('x', rng.between(-1500, 1500))
        node.set('y', rng.between(-1000, 1000))
        node.set('w', 160)
        node.set('h', 60)
        doc.getMap('nodes').set(id, node)
      })
      return `${id} ${kind}`
    },
  ],
  [
    4,
    'moveNode',
    (rng, doc) => {
      const ids = nodeIds(doc)
      if (ids.length === 0) return null
      const id = rng.pick(ids)
      const node = doc.getMap<Y.Map<unknown>>('nodes').get(id)!
      const [x, y] = [rng.between(-1500, 1500), rng.between(-1000, 1000)]
      doc.transact(() => {
        node.set('x', x)
        node.set('y', y)
      })
      return `${id} → ${x},${y}`
    },
  ],
  [
    1,
    'resizeNode',
    (rng, doc) => {
      const ids = nodeIds(doc)
      if (ids.length === 0) return null
      const id = rng.pick(ids)
      const node = doc.getMap<Y.Map<unknown>>('nodes').get(id)!
      doc.transact(() => {
        node.set('w', rng.between(80, 400))
        node.set('h', rng.between(40, 300))
      })
      return id
    },
  ],
  [
    2,
    'relabelNode',
    (rng, doc) => {
      const ids = nodeIds(doc)
      if (ids.length === 0) return null
      const id = rng.pick(ids)
      doc.getMap<Y.Map<unknown>>('nodes').get(id)!.set('label', rng.words(3))
      return id
    },
  ],
  [
    1,
    'deleteNode',
    (rng, doc) => {
      const ids = nodeIds(doc)
      if (ids.length === 0) return null
      const id = rng.pick(ids)
      // As the canvas does: the node and the edges at either end of it, in one transaction.
      doc.transact(() => {
        doc.getMap('nodes').delete(id)
        const edges = doc.getMap<Y.Map<unknown>>('edges')
        for (const [eid, e] of [...edges.entries()]) if (e.get('source') === id || e.get('target') === id) edges.delete(eid)
      })
      return id
    },
  ],
  [
    2,
    'addEdge',
    (rng, doc) => {
      const ids = nodeIds(doc)
      if (ids.length === 0) return null
      const id = `e${rng.int(30)}`
      const [source, target] = [rng.pick(ids), rng.pick(ids)]
      doc.getMap('edges').set(id, new Y.Map<unknown>(Object.entries({ source, target, label: rng.chance(0.5) ? rng.words(2) : '' })))
      return `${id} ${source}→${target}`
    },
  ],
  [
    1,
    'relabelEdge',
    (rng, doc) => {
      const ids = edgeIds(doc)
      if (ids.length === 0) return null
      const id = rng.pick(ids)
      doc.getMap<Y.Map<unknown>>('edges').get(id)!.set('label', rng.words(2))
      return id
    },
  ],
  [
    1,
    'deleteEdge',
    (rng, doc) => {
      const ids = edgeIds(doc)
      if (ids.length === 0) return null
      const id = rng.pick(ids)
      doc.getMap('edges').delete(id)
      return id
    },
  ],
  [
    5,
    'insertText',
    (rng, doc) => {
      const key = rng.pick(STEP_KEYS)
      const text = doc.getText('notes:' + key)
      const s = text.toString()
      const pos = charBoundary(s, rng.int(s.length + 1))
      const words = rng.words(4)
      text.insert(pos, words)
      return `${key}@${pos} +${words.length}`
    },
  ],
  [
    2,
    'deleteText',
    (rng, doc) => {
      const key = rng.pick(STEP_KEYS)
      const text = doc.getText('notes:' + key)
      const s = text.toString()
      if (s.length === 0) return null
      const from = charBoundary(s, rng.int(s.length))
      const to = charBoundary(s, Math.min(s.length, from + rng.between(1, 24)))
      if (to <= from) return null
      text.delete(from, to - from)
      return `${key}@${from} -${to - from}`
    },
  ],
  [
    2,
    'type',
    (rng, doc) => {
      // Typing: one update a keystroke, as y-codemirror sends them. Many small updates make some
      // seeds cross the server's keyframe interval (300 logged updates).
      const key = rng.pick(STEP_KEYS)
      const text = doc.getText('notes:' + key)
      let pos = charBoundary(text.toString(), rng.int(text.length + 1))
      // Now and then a whole paragraph (hundreds of updates); code points: an emoji is one keystroke.
      const typed = [...rng.words(rng.chance(0.15) ? 60 : 6)]
      for (const ch of typed) {
        text.insert(pos, ch)
        pos += ch.length
      }
      return `${key} ${typed.length} keystrokes`
    },
  ],
]
const TOTAL_WEIGHT = OPS.reduce((n, [w]) => n + w, 0)

/** One random edit on one peer's doc; several edits in one transaction now and then. */
export function randomEdit(rng: Rng, doc: Y.Doc): string {
  if (rng.chance(0.08)) {
    const n = rng.between(2, 4)
    const done: string[] = []
    doc.transact(() => {
      for (let i = 0; i < n; i++) done.push(randomEdit(rng, doc))
    })
    return `transaction[${done.join('; ')}]`
  }
  for (;;) {
    let r = rng.int(TOTAL_WEIGHT)
    const entry = OPS.find(([w]) => (r -= w) < 0)!
    const what = entry[2](rng, doc)
    if (what !== null) return `${entry[1]} ${what}`
  }
}

