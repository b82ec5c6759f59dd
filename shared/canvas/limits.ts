/**
 * What one document may hold. A real interview board has tens of parts and a few thousand words of
 * notes; these are far past that, and exist so that one client cannot make a room (its reports,
 * its replay, every newcomer's first sync) too heavy for everyone else. An update that would cross
 * one is refused whole, with a message naming the limit.
 */
export const DOC_LIMITS = {
  /** Keys ever set in the board's `nodes` map (parts), deleted ones included. */
  nodes: 2_000,
  /** Keys ever set in the board's `edges` map (connections). */
  edges: 4_000,
  /** Characters of notes in one document: what it held when it loaded, plus all text written since. */
  textChars: 1_000_000,
  /** Bytes of updates one document takes, counted from its stored state at load. */
  bytes: 32 * 1024 * 1024,
} as const

export type DocLimits = { readonly [K in keyof typeof DOC_LIMITS]: number }
