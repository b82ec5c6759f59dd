import { describe, expect, it } from 'vitest'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { BoardPeers, readPeers } from './peers.svelte.js'

describe('readPeers', () => {
  it('reads others and leaves out this client', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { name: 'Me', color: '#2563eb' } }],
      [2, { user: { name: 'Ada', color: '#db2777' }, pointer: { x: 10, y: 20 }, selection: ['n1'] }],
    ])
    expect(readPeers(states, 1)).toEqual([{ clientId: 2, name: 'Ada', color: '#db2777', pointer: { x: 10, y: 20 }, selection: ['n1'] }])
  })

  it('survives junk in someone else\'s state', () => {
    const states = new Map<number, Record<string, unknown>>([[3, { user: { name: 42, color: 'red;}' }, pointer: { x: 'a' }, selection: [1, 'n2'] }]])
    expect(readPeers(states, 1)).toEqual([{ clientId: 3, name: 'Someone', color: '#64748b', pointer: null, selection: ['n2'] }])
  })
})

describe('BoardPeers', () => {
  it('follows awareness changes and publishes selections', () => {
    const mine = new Awareness(new Y.Doc())
    const other = new Awareness(new Y.Doc())
    const peers = new BoardPeers(mine)
    other.setLocalState({ user: { name: 'Ada', color: '#db2777' }, selection: ['n1'] })
    // Simulate receiving the other client's state.
    mine.states.set(other.clientID, other.getLocalState()!)
    mine.emit('change', [{ added: [other.clientID], updated: [], removed: [] }, 'remote'])
    expect(peers.selectedBy('n1').map((p) => p.name)).toEqual(['Ada'])
    peers.setSelection(['n9'])
    expect(mine.getLocalState()!.selection).toEqual(['n9'])
    peers.destroy()
  })
})
