import type { BoardEdge, BoardNode } from './board.js'
import { bounds, edgeEnds, type Rect } from './geometry.js'
import { GROUP_COLORS, PARTS } from './parts.js'

const PAD = 32
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}

const rectOf = (n: BoardNode): Rect => ({ x: n.x, y: n.y, w: n.w, h: n.h })

/** Rough text width for label backgrounds (the export has no DOM to measure with). */
const textWidth = (text: string, size: number) => text.length * size * 0.56

/** Splits a label into lines that fit `width`, at most `max` lines (the last one cut with "…"). */
export function wrapText(text: string, width: number, size: number, max: number): string[] {
  const perLine = Math.max(4, Math.floor(width / (size * 0.56)))
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word
      if (next.length <= perLine) line = next
      else {
        if (line) lines.push(line)
        line = word.length > perLine ? word.slice(0, perLine - 1) + '…' : word
      }
    }
    lines.push(line)
  }
  if (lines.length > max) return [...lines.slice(0, max - 1), lines[max - 1]!.slice(0, perLine - 1) + '…']
  return lines
}

/**
 * The canvas as a standalone SVG document, drawn from the doc's data (not from the DOM), so it
 * looks the same whatever the viewer's zoom, and works for a board nobody has on screen.
 */
export function boardSvg(nodes: BoardNode[], edges: BoardEdge[]): { svg: string; width: number; height: number } {
  const box = bounds(nodes.map(rectOf)) ?? { x: 0, y: 0, w: 320, h: 160 }
  const width = Math.ceil(box.w + PAD * 2)
  const height = Math.ceil(box.h + PAD * 2)
  const ox = PAD - box.x
  const oy = PAD - box.y
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#64748b"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<g transform="translate(${ox} ${oy})">`,
  )
  for (const edge of edges) {
    const source = byId.get(edge.source)
    const target = byId.get(edge.target)
    if (!source || !target) continue
    const { from, to, mid } = edgeEnds(rectOf(source), rectOf(target))
    out.push(`<line x1="${r(from.x)}" y1="${r(from.y)}" x2="${r(to.x)}" y2="${r(to.y)}" stroke="#64748b" stroke-width="1.5" marker-end="url(#arrow)"/>`)
    if (edge.label) {
      const w = textWidth(edge.label, 12) + 12
      out.push(
        `<rect x="${r(mid.x - w / 2)}" y="${r(mid.y - 10)}" width="${r(w)}" height="20" rx="4" fill="#ffffff" stroke="#e2e8f0"/>`,
        `<text x="${r(mid.x)}" y="${r(mid.y + 4)}" font-size="12" text-anchor="middle" fill="#334155">${escapeXml(edge.label)}</text>`,
      )
    }
  }
  for (const node of nodes) {
    const part = PARTS[node.kind]
    const colors = GROUP_COLORS[part.group]
    const isNote = node.kind === 'note'
    out.push(
      `<g transform="translate(${r(node.x)} ${r(node.y)})">`,
      `<rect width="${node.w}" height="${node.h}" rx="10" fill="${isNote ? colors.bg : '#ffffff'}" stroke="${isNote ? '#eab308' : '#cbd5e1'}"/>`,
    )
    if (isNote) {
      const lines = wrapText(node.label, node.w - 24, 13, Math.max(1, Math.floor((node.h - 16) / 18)))
      lines.forEach((line, i) => out.push(`<text x="12" y="${24 + i * 18}" font-size="13" fill="#422006">${escapeXml(line)}</text>`))
    } else {
      const cy = node.h / 2
      out.push(
        `<rect x="10" y="${r(cy - 16)}" width="32" height="32" rx="8" fill="${colors.bg}"/>`,
        `<path transform="translate(14 ${r(cy - 12)})" d="${part.icon}" fill="none" stroke="${colors.fg}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>`,
      )
      const lines = wrapText(node.label, node.w - 64, 13, 2)
      const top = cy - ((lines.length - 1) * 16) / 2 + 4
      lines.forEach((line, i) =>
        out.push(`<text x="52" y="${r(top + i * 16)}" font-size="13" font-weight="600" fill="#0f172a">${escapeXml(line)}</text>`),
      )
    }
    out.push('</g>')
  }
  out.push('</g></svg>')
  return { svg: out.join(''), width, height }
}

const r = (n: number) => Math.round(n * 10) / 10
