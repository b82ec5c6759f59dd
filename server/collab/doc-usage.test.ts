import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocUsage } from './doc-usage.js'

const limits = { nodes: 2, edges: 1, textChars: 12, bytes: 1000 }
const none = { nodes: 0, edges: 0, textChars: 0 }

describe('DocUsage', () => {
  it('counts the notes a restored document holds, then the text each taken update adds, against the limit', () => {
    const doc = new Y.Doc()
    doc.getText('notes:clarify').insert(0, 'hello')
    doc.getText('notes:data').insert(0, 'world')
    doc.getText('notes:data').delete(0, 1)
    const usage = new DocUsage(limits)
    usage.restored(doc, 0)
    // 9 live characters: 3 more fit, 4 do not.
    expect(() => usage.admit(doc, { ...none, textChars: 4 }, 10)).toThrow(/12 characters/)
    usage.admit(doc, { ...none, textChars: 3 }, 10)
    usage.add({ ...none, textChars: 3 }, 10)
    expect(() => usage.admit(doc, { ...none, textChars: 1 }, 10)).toThrow(/limit/)
  })

  it('refuses parts and connections past the keys the board maps hold, and bytes past the stored size', () => {
    const doc = new Y.Doc()
    doc.getMap('nodes').set('a', new Y.Map())
    const usage = new DocUsage(limits)
    usage.restored(doc, 900)
    usage.admit(doc, { ...none, nodes: 1 }, 10)
    expect(() => usage.admit(doc, { ...none, nodes: 2 }, 10)).toThrow(/2 parts/)
    expect(() => usage.admit(doc, { ...none, edges: 2 }, 10)).toThrow(/1 connections/)
    expect(() => usage.admit(doc, none, 101)).toThrow(/MiB/)
  })
})
