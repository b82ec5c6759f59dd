import { describe, expect, it } from 'vitest'
import { markdownFilename, svgImageSource } from './report.svelte.js'

describe('report helpers', () => {
  it('names the Markdown file as the server does', () => {
    expect(markdownFilename('Loop 7 · ML platform', 2)).toBe('Loop-7-ML-platform-round-2.md')
    expect(markdownFilename('', 1)).toBe('interview-round-1.md')
  })

  it('turns the canvas SVG into an image source that keeps every character', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>a &amp; b # 100%</text></svg>'
    const src = svgImageSource(svg)
    expect(src.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true)
    expect(decodeURIComponent(src.slice(src.indexOf(',') + 1))).toBe(svg)
  })
})
