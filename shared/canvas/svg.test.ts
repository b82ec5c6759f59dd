import { describe, expect, it } from 'vitest'
import type { BoardNode } from './board.js'
import { boardSvg, escapeXml, wrapText } from './svg.js'

const node = (id: string, x: number, label = id): BoardNode => ({ id, kind: 'service', label, x, y: 0, w: 160, h: 60 })

describe('SVG export', () => {
  it('draws every node and labelled edge, fitted with a margin', () => {
    const { svg, width, height } = boardSvg([node('a', 0), node('b', 300)], [{ id: 'e', source: 'a', target: 'b', label: 'gRPC' }])
    expect(width).toBe(460 + 64)
    expect(height).toBe(60 + 64)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('>a</text>')
    expect(svg).toContain('>b</text>')
    expect(svg).toContain('>gRPC</text>')
    expect(svg).toContain('marker-end="url(#arrow)"')
  })

  it('escapes labels, so a label can never inject markup', () => {
    const { svg } = boardSvg([node('a', 0, '<script>&"x"')], [])
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;&amp;&quot;x&quot;')
    expect(escapeXml("'")).toBe('&apos;')
  })

  it('exports an empty board as a small blank image', () => {
    const { svg, width } = boardSvg([], [])
    expect(width).toBe(384)
    expect(svg).toContain('</svg>')
  })

  it('draws a board of 200,000 parts without overflowing the stack', () => {
    // Notes with empty labels: the smallest markup per part, so the test measures stack, not memory.
    const nodes: BoardNode[] = Array.from({ length: 200_000 }, (_, i) => ({ id: `n${i}`, kind: 'note', label: '', x: (i % 500) * 200, y: Math.floor(i / 500) * 120, w: 180, h: 100 }))
    const edges = nodes.slice(1, 1001).map((n, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: n.id, label: '' }))
    const { svg, width, height } = boardSvg(nodes, edges)
    expect(width).toBe(499 * 200 + 180 + 64)
    expect(height).toBe(399 * 120 + 100 + 64)
    expect(svg.endsWith('</g></svg>')).toBe(true)
  })

  it('wraps long labels and cuts what does not fit', () => {
    expect(wrapText('one two three', 1000, 10, 2)).toEqual(['one two three'])
    const lines = wrapText('alpha beta gamma delta epsilon zeta', 60, 10, 2)
    expect(lines).toHaveLength(2)
    expect(lines[1]!.endsWith('…')).toBe(true)
  })
})
