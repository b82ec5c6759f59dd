import { describe, expect, it } from 'vitest'
import { borderPoint, bounds, edgeEnds, freeSpot, overlaps } from './geometry.js'

const box = { x: 0, y: 0, w: 100, h: 50 }

describe('geometry', () => {
  it('finds where a line from the centre leaves a box', () => {
    expect(borderPoint(box, { x: 500, y: 25 })).toEqual({ x: 100, y: 25 })
    expect(borderPoint(box, { x: 50, y: -300 })).toEqual({ x: 50, y: 0 })
    expect(borderPoint(box, { x: 50, y: 25 })).toEqual({ x: 50, y: 25 })
    const corner = borderPoint(box, { x: 150, y: 75 })
    expect(corner.x).toBeCloseTo(100)
    expect(corner.y).toBeCloseTo(50)
  })

  it('joins two boxes border to border', () => {
    const ends = edgeEnds(box, { x: 300, y: 0, w: 100, h: 50 })
    expect(ends.from).toEqual({ x: 100, y: 25 })
    expect(ends.to).toEqual({ x: 300, y: 25 })
    expect(ends.mid).toEqual({ x: 200, y: 25 })
  })

  it('bounds a set of boxes', () => {
    expect(bounds([])).toBeNull()
    expect(bounds([box, { x: -10, y: 100, w: 20, h: 20 }])).toEqual({ x: -10, y: 0, w: 110, h: 120 })
  })

  it('bounds 200,000 boxes without overflowing the stack', () => {
    const rects = Array.from({ length: 200_000 }, (_, i) => ({ x: (i % 1000) * 200, y: Math.floor(i / 1000) * 100, w: 160, h: 60 }))
    rects.push({ x: -50, y: -20, w: 10, h: 10 })
    expect(bounds(rects)).toEqual({ x: -50, y: -20, w: 999 * 200 + 160 + 50, h: 199 * 100 + 60 + 20 })
  })

  it('finds a free spot for a new part instead of stacking it on another', () => {
    expect(overlaps(box, { x: 50, y: 20, w: 10, h: 10 })).toBe(true)
    expect(overlaps(box, { x: 200, y: 0, w: 10, h: 10 })).toBe(false)
    expect(freeSpot(box, [])).toEqual({ x: 0, y: 0 })
    // Next to it, in the nearest free cell of a grid around the wanted spot.
    expect(freeSpot(box, [box])).toEqual({ x: 0, y: 74 })
    const taken = [box]
    for (let i = 0; i < 12; i++) taken.push({ ...box, ...freeSpot(box, taken) })
    for (let a = 0; a < taken.length; a++) {
      for (let b = a + 1; b < taken.length; b++) expect(overlaps(taken[a]!, taken[b]!)).toBe(false)
    }
    expect(Math.max(...taken.map((t) => Math.abs(t.x)))).toBeLessThanOrEqual(2 * 124)
  })
})
