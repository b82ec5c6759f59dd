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

/**
 * The smallest rectangle holding all of them; null for none. A plain loop, never
 * `Math.min(...rects)`: spreading a board-sized array into a call puts every element on the stack
 * and overflows it past about 120,000 rectangles, which made every report of a big board fail.
 */
export function bounds(rects: readonly Rect[]): Rect | null {
  if (rects.length === 0) return null
  let x = Infinity
  let y = Infinity
  let right = -Infinity
  let bottom = -Infinity
  for (const r of rects) {
    if (r.x < x) x = r.x
    if (r.y < y) y = r.y
    if (r.x + r.w > right) right = r.x + r.w
    if (r.y + r.h > bottom) bottom = r.y + r.h
  }
  return { x, y, w: right - x, h: bottom - y }
}

export function overlaps(a: Rect, b: Rect, gap = 0): boolean {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap
}

/**
 * The nearest free place for `wanted`: its own spot if nothing is there, else the closest cell of
 * a grid around it (one part-size plus a gap apart) that overlaps none of `taken`.
 */
export function freeSpot(wanted: Rect, taken: Rect[], gap = 24, rings = 6): Point {
  const fits = (r: Rect) => !taken.some((t) => overlaps(r, t, gap))
  if (fits(wanted)) return { x: wanted.x, y: wanted.y }
  const dx = wanted.w + gap
  const dy = wanted.h + gap
  for (let ring = 1; ring <= rings; ring++) {
    const cells: Point[] = []
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) === ring) cells.push({ x: wanted.x + i * dx, y: wanted.y + j * dy })
      }
    }
    // Nearest first; on a tie, below before above and right before left (reading order).
    const dist = (p: Point) => Math.hypot(p.x - wanted.x, p.y - wanted.y)
    cells.sort((a, b) => dist(a) - dist(b) || b.y - a.y || b.x - a.x)
    const free = cells.find((c) => fits({ ...wanted, ...c }))
    if (free) return free
  }
  return { x: wanted.x, y: wanted.y }
}
