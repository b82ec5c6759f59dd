export interface Point {
  x: number
  y: number
}
export interface Rect extends Point {
  w: number
  h: number
}

export function center(r: Rect): Point {
  return { x: r.x + r.w / 2, y: r.y + r.h / 2 }
}

/** Where the line from the rectangle's centre towards `p` crosses its border. */
export function borderPoint(r: Rect, p: Point): Point {
  const c = center(r)
  const dx = p.x - c.x
  const dy = p.y - c.y
  if (dx === 0 && dy === 0) return c
  const sx = dx === 0 ? Infinity : r.w / 2 / Math.abs(dx)
  const sy = dy === 0 ? Infinity : r.h / 2 / Math.abs(dy)
  const s = Math.min(sx, sy)
  return { x: c.x + dx * s, y: c.y + dy * s }
}

/** A straight edge between two boxes, from border to border ("floating" edge: no fixed handles). */
export function edgeEnds(source: Rect, target: Rect): { from: Point; to: Point; mid: Point } {
  const from = borderPoint(source, center(target))
  const to = borderPoint(target, center(source))
  return { from, to, mid: { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 } }
}

/** The smallest rectangle holding all of them; null for none. */
export function bounds(rects: Rect[]): Rect | null {
  if (rects.length === 0) return null
  const x = Math.min(...rects.map((r) => r.x))
  const y = Math.min(...rects.map((r) => r.y))
  const right = Math.max(...rects.map((r) => r.x + r.w))
  const bottom = Math.max(...rects.map((r) => r.y + r.h))
  return { x, y, w: right - x, h: bottom - y }
}

export function overlaps(a: Rect, b: Rect, gap = 0): boolean {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap
}

/** The first place at or below-right of `wanted` that overlaps none of `taken` (tries a diagonal, then gives up). */
export function freeSpot(wanted: Rect, taken: Rect[], step = 36, tries = 40): Point {
  for (let i = 0; i < tries; i++) {
    const candidate = { ...wanted, x: wanted.x + i * step, y: wanted.y + i * step }
    if (!taken.some((t) => overlaps(candidate, t, 24))) return { x: candidate.x, y: candidate.y }
  }
  return { x: wanted.x, y: wanted.y }
}
