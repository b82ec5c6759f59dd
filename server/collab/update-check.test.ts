import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { rawUpdate } from '../../test/helpers/yjs-raw.js'
import * as Y from 'yjs'
import { checkUpdate, integratesWhole, InvalidUpdate } from './update-check.js'

/** Updates three clients make, each seeing what it has received so far: real Yjs output. */
function history(ops: Array<[number, number, number]>): Uint8Array[] {
  const docs = [1, 2, 3].map((id) => {
    const d = new Y.Doc()
    d.clientID = id
    return d
  })
  const updates: Uint8Array[] = []
  for (const [who, kind, n] of ops) {
    const doc = docs[who % 3]!
    let update: Uint8Array | null = null
    const grab = (u: Uint8Array) => (update = u)
    doc.once('update', grab)
    const text = doc.getText('notes:clarify')
    const nodes = doc.getMap<Y.Map<unknown>>('nodes')
    if (kind === 0) text.insert(n % (text.length + 1), 'ab')
    else if (kind === 1 && text.length > 0) text.delete(n % text.length, 1)
    else if (kind === 2) {
      const node = new Y.Map<unknown>()
      doc.transact(() => {
        node.set('label', `n${n}`)
        nodes.set(`n${n % 5}`, node)
      })
    } else if (kind === 3 && nodes.size > 0) nodes.get([...nodes.keys()][n % nodes.size]!)?.set('x', n)
    else text.insert(0, 'z')
    doc.off('update', grab)
    if (update) {
      updates.push(update)
      // Sometimes the others receive it at once, so later updates depend on other clients.
      if (n % 2 === 0) for (const other of docs) if (other !== doc) Y.applyUpdate(other, update)
    }
  }
  return updates
}

/** Applies an update to a copy: does it integrate whole (no throw, nothing pending)? */
const wholeOn = (doc: Y.Doc, update: Uint8Array) => integratesWhole(doc, update)

describe('checkUpdate', () => {
  it('decides like Yjs: "complete" integrates whole, "missing" never does, on real updates in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.nat(4), fc.nat(50)), { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(1000), { maxLength: 40 }),
        (ops, order) => {
          const updates = history(ops)
          const server = new Y.Doc()
          // Deliver in a shuffled order, with repeats: what an out-of-order network might do.
          const sequence = [...updates, ...order.map((i) => updates[i % updates.length]!)]
          for (let i = sequence.length - 1; i > 0; i--) {
            const j = (order[i % Math.max(order.length, 1)] ?? i) % (i + 1)
            ;[sequence[i], sequence[j]] = [sequence[j]!, sequence[i]!]
          }
          for (const u of sequence) {
            const verdict = checkUpdate(server, u)
            const whole = wholeOn(server, u)
            if (verdict.kind === 'complete') expect(whole).toBe(true)
            if (verdict.kind === 'missing') expect(whole).toBe(false)
            if (verdict.kind !== 'missing' && whole) Y.applyUpdate(server, u)
            expect(server.store.pendingStructs).toBeNull()
          }
        },
      ),
      { numRuns: 150, seed: 12 },
    )
  }, 60_000)

  it('says "complete" for a client typing into a board it has synced, with the parts and text it adds', () => {
    const a = new Y.Doc()
    const server = new Y.Doc()
    const updates: Uint8Array[] = []
    a.on('update', (u: Uint8Array) => updates.push(u))
    a.transact(() => {
      const node = new Y.Map<unknown>()
      node.set('label', 'feature store')
      a.getMap('nodes').set('fs', node)
    })
    a.getText('notes:data').insert(0, 'hello')
    for (const u of updates) {
      const v = checkUpdate(server, u)
      expect(v.kind).toBe('complete')
      Y.applyUpdate(server, u)
    }
    // A label is a map value (ContentAny, bounded by the bytes limit); text is Y.Text's characters.
    expect(checkUpdate(new Y.Doc(), updates[0]!)).toEqual({ kind: 'complete', adds: { nodes: 1, edges: 0, textChars: 0 } })
    expect(checkUpdate(new Y.Doc(), updates[1]!).kind).toBe('missing')
    const notes = new Y.Doc()
    notes.getText('notes:data').insert(0, 'hello')
    expect(checkUpdate(new Y.Doc(), Y.encodeStateAsUpdate(notes))).toEqual({ kind: 'complete', adds: { nodes: 0, edges: 0, textChars: 5 } })
    // Setting a key the map has names its previous value as origin: no new part.
    a.getMap<Y.Map<unknown>>('nodes').set('fs', new Y.Map())
    expect(checkUpdate(server, updates.at(-1)!)).toMatchObject({ kind: 'complete', adds: { nodes: 0 } })
  })

  it('refuses as invalid what no Yjs encoder writes: a reference to its own future, a client twice, a subdocument, bytes cut short', () => {
    const doc = new Y.Doc()
    const own = (origin: number) => rawUpdate([{ client: 9, clock: 0, structs: [{ text: 'x', origin: { client: 9, clock: origin } }] }])
    expect(() => checkUpdate(doc, own(0))).toThrow(InvalidUpdate)
    const sub = new Y.Doc()
    sub.getMap('m').set('doc', new Y.Doc())
    expect(() => checkUpdate(doc, Y.encodeStateAsUpdate(sub))).toThrow(/subdocuments/)
    const real = new Y.Doc()
    real.getText('t').insert(0, 'hello')
    const bytes = Y.encodeStateAsUpdate(real)
    for (let cut = 1; cut < bytes.length; cut++) expect(() => checkUpdate(doc, bytes.subarray(0, cut))).toThrow(InvalidUpdate)
    const twice = Uint8Array.from([2, ...bytes.subarray(1, bytes.length - 1), ...bytes.subarray(1, bytes.length - 1), 0])
    expect(() => checkUpdate(doc, twice)).toThrow(InvalidUpdate)
  })

  it('says "missing" for a gap, an unknown origin, and a deletion of what the document does not have', () => {
    const a = new Y.Doc()
    const updates: Uint8Array[] = []
    a.on('update', (u: Uint8Array) => updates.push(u))
    a.getText('t').insert(0, 'abc')
    a.getText('t').insert(3, 'def')
    a.getText('t').delete(0, 2)
    const empty = new Y.Doc()
    expect(checkUpdate(empty, updates[1]!).kind).toBe('missing')
    expect(checkUpdate(empty, updates[2]!).kind).toBe('missing')
    expect(checkUpdate(empty, updates[0]!).kind).toBe('complete')
  })
})
