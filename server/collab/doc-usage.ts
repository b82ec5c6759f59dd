import type * as Y from 'yjs'
import { AppError } from '../../shared/errors.js'
import type { DocLimits } from '../../shared/canvas/limits.js'
import type { Additions } from './update-check.js'

/**
 * How much of its limits a live document uses: bytes taken and text written, counted from its
 * stored state when it loads, then per accepted update. Parts and connections are the keys of its
 * root maps, read from the document itself.
 */
export class DocUsage {
  #bytes = 0
  #textChars = 0

  constructor(private readonly limits: DocLimits) {}

  /**
   * Counts what a restored document already holds (once, at load): its root sequences' live
   * length (a field Yjs keeps), not a walk over every struct, which cost 3-24 ms on a board of
   * 100,000 updates.
   */
  restored(doc: Y.Doc, storedBytes: number): void {
    this.#bytes = storedBytes
    let chars = 0
    for (const type of doc.share.values()) chars += type._length
    this.#textChars = chars
  }

  /** Throws AppError('too_large') when taking an update with these additions would cross a limit. */
  admit(doc: Y.Doc, adds: Additions, bytes: number): void {
    const l = this.limits
    if (adds.nodes > 0 && keys(doc, 'nodes') + adds.nodes > l.nodes) throw over(`${l.nodes} parts`)
    if (adds.edges > 0 && keys(doc, 'edges') + adds.edges > l.edges) throw over(`${l.edges} connections`)
    if (this.#textChars + adds.textChars > l.textChars) throw over(`${l.textChars} characters of text`)
    if (this.#bytes + bytes > l.bytes) throw over(`${Math.round(l.bytes / 1024 / 1024)} MiB`)
  }

  /** Counts an update that was taken. */
  add(adds: Additions, bytes: number): void {
    this.#bytes += bytes
    this.#textChars += adds.textChars
  }
}

function keys(doc: Y.Doc, name: string): number {
  return doc.share.get(name)?._map.size ?? 0
}

function over(what: string): AppError {
  return new AppError('too_large', `this document has reached its limit of ${what}`)
}
