import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import { decodeFrames, type Frame } from './frames.js'
import { UpdateBuffer } from './update-buffer.js'

const frame = (seq: number, at: number): Frame => ({ seq, at, update: new Uint8Array([seq]) })

describe('decodeFrames', () => {
  it('reads the framing the server writes: count, then seq, time and bytes per update', () => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 2)
    for (const [seq, at, bytes] of [
      [7, 1_700_000_000_123, [1, 2, 3]],
      [8, 1_700_000_000_456, []],
    ] as const) {
      encoding.writeVarUint(encoder, seq)
      encoding.writeVarUint(encoder, at)
      encoding.writeVarUint8Array(encoder, new Uint8Array(bytes))
    }
    expect(decodeFrames(encoding.toUint8Array(encoder))).toEqual([
      { seq: 7, at: 1_700_000_000_123, update: new Uint8Array([1, 2, 3]) },
      { seq: 8, at: 1_700_000_000_456, update: new Uint8Array([]) },
    ])
  })
})

describe('UpdateBuffer', () => {
  it('starts covered up to the seek and hands out updates in order as their time passes', () => {
    const buffer = new UpdateBuffer(10, 1000)
    expect(buffer.covered).toBe(1000)
    buffer.add([frame(11, 1100), frame(12, 1200), frame(13, 1200), frame(14, 1900)], 2000, false)
    expect(buffer.covered).toBe(2000)
    expect(buffer.lastSeq).toBe(14)
    expect(buffer.take(1050)).toEqual([])
    expect(buffer.take(1200).map((f) => f.seq)).toEqual([11, 12, 13])
    expect(buffer.take(1500)).toEqual([])
    expect(buffer.take(5000).map((f) => f.seq)).toEqual([14])
    expect(buffer.size).toBe(0)
  })

  it('a full page covers only up to just before its last update: the same millisecond may hold more', () => {
    const buffer = new UpdateBuffer(0, 0)
    buffer.add([frame(1, 100), frame(2, 300)], 5000, true)
    expect(buffer.covered).toBe(299)
    buffer.add([frame(3, 300), frame(4, 800)], 5000, false)
    expect(buffer.covered).toBe(5000)
    expect(buffer.take(5000).map((f) => f.seq)).toEqual([1, 2, 3, 4])
  })

  it('never takes an update twice, even from an overlapping page', () => {
    const buffer = new UpdateBuffer(5, 0)
    buffer.add([frame(4, 10), frame(5, 20), frame(6, 30)], 100, false)
    buffer.add([frame(6, 30), frame(7, 40)], 200, false)
    expect(buffer.take(1000).map((f) => f.seq)).toEqual([6, 7])
    expect(buffer.covered).toBe(200)
  })

  it('keeps its order over many pages', () => {
    const buffer = new UpdateBuffer(0, 0)
    const seen: number[] = []
    for (let page = 0; page < 5; page++) {
      buffer.add(Array.from({ length: 1000 }, (_, i) => frame(page * 1000 + i + 1, page * 1000 + i + 1)), (page + 1) * 1000, false)
      seen.push(...buffer.take(page * 1000 + 500).map((f) => f.seq))
    }
    seen.push(...buffer.take(Infinity).map((f) => f.seq))
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1))
  })
})
