import { api, type Report } from '../../lib/api.js'
import { downloadBlob } from '../canvas/download.js'
import type { RoomPage } from '../replay/room-page.svelte.js'

/** The report of a round, as this person may see it, and its Markdown download. */
export class ReportState {
  #page: RoomPage
  #report: Report | null = $state.raw(null)
  #downloading = $state(false)
  #downloadError: string | null = $state(null)

  constructor(page: RoomPage) {
    this.#page = page
  }

  get report(): Report | null {
    return this.#report
  }
  get downloading(): boolean {
    return this.#downloading
  }
  get downloadError(): string | null {
    return this.#downloadError
  }

  async load(): Promise<void> {
    const page = this.#page
    if (!(await page.load())) return
    try {
      this.#report = await api.report(page.roomId, page.token!, page.round)
    } catch (err) {
      page.fail(err)
    }
  }

  /** The Markdown needs the token, so it is fetched here and saved from a Blob rather than linked. */
  async downloadMarkdown(): Promise<void> {
    const report = this.#report
    if (!report || this.#downloading) return
    this.#downloading = true
    this.#downloadError = null
    try {
      const blob = await api.reportMarkdown(this.#page.roomId, this.#page.token!, report.round)
      downloadBlob(blob, markdownFilename(report.room.title, report.round))
    } catch (err) {
      this.#downloadError = err instanceof Error ? err.message : 'The download failed.'
    } finally {
      this.#downloading = false
    }
  }
}

/** `Loop-7-ML-platform-round-1.md`, as the server names it. */
export function markdownFilename(title: string, round: number): string {
  return `${title.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'interview'}-round-${round}.md`
}

/**
 * The canvas drawing as an image source. An <img> never runs script nor fetches anything an SVG
 * names, so the drawing shows safely whatever its labels hold (the server escapes them too).
 */
export function svgImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}
