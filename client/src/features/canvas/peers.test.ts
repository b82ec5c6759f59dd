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
    expect(readPeers(states, 1)).toEqual([{ clientId: 2, name: 'Ada', color: '#db2777', pointer: { x: 10, y: 20 }, selection: ['n1'], moving: {} }])
  })

  it('survives junk in someone else\'s state', () => {
    const states = new Map<number, Record<string, unknown>>([[3, { user: { name: 42, color: 'red;}' }, pointer: { x: 'a' }, selection: [1, 'n2'] }]])
    expect(readPeers(states, 1)).toEqual([{ clientId: 3, name: 'Someone', color: '#64748b', pointer: null, selection: ['n2'], moving: {} }])
  })
})

describe('readPeers: moving', () => {
  it('reads the nodes a peer is dragging, dropping what is not a geometry', () => {
    const moving = { n1: { x: 10.4, y: 20, w: 160, h: 60 }, n2: { x: 1, y: 2 }, n3: { x: 1, y: 2, w: -5, h: 10 }, n4: 'far' }
    const [peer] = readPeers(new Map([[2, { moving }]]), 1)
    expect(peer!.moving).toEqual({ n1: { x: 10, y: 20, w: 160, h: 60 } })
    expect(readPeers(new Map([[2, { moving: [1, 2] }]]), 1)[0]!.moving).toEqual({})
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

  it("collects the others' moves and sends its own with the pointer, at most every 50 ms", async () => {
    const mine = new Awareness(new Y.Doc())
    mine.setLocalState({ user: { name: 'Me', color: '#2563eb' } })
    const peers = new BoardPeers(mine)
    mine.states.set(7, { user: { name: 'Ada', color: '#db2777' }, moving: { n1: { x: 5, y: 6, w: 160, h: 60 } } })
    mine.emit('change', [{ added: [7], updated: [], removed: [] }, 'remote'])
    expect([...peers.moves]).toEqual([['n1', { x: 5, y: 6, w: 160, h: 60 }]])
    // Their pointer moving alone does not hand the canvas a new set of moves.
    const moves = peers.moves
    mine.states.set(7, { ...mine.states.get(7)!, pointer: { x: 1, y: 1 } })
    mine.emit('change', [{ added: [], updated: [7], removed: [] }, 'remote'])
    expect(peers.moves).toBe(moves)
    let sent = 0
    mine.on('update', () => sent++)
    peers.setPointer({ x: 1.2, y: 2 })
    peers.setMoving({ n2: { x: 1, y: 2, w: 80, h: 40 } })
    peers.setMoving({ n2: { x: 3, y: 4, w: 80, h: 40 } })
    expect(sent).toBe(0)
    await new Promise((r) => setTimeout(r, 80))
    expect(sent).toBe(1)
    expect(mine.getLocalState()).toMatchObject({ pointer: { x: 1, y: 2 }, moving: { n2: { x: 3, y: 4 } } })
    // The end of a gesture is sent even when the board goes away before the next tick.
    peers.setMoving(null)
    peers.destroy()
    expect(mine.getLocalState()!.moving).toBeNull()
  })
})
