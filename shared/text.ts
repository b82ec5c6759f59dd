import { z } from 'zod'

// Postgres refuses NUL in text and in jsonb, and a UTF-16 surrogate without its other half cannot
// be encoded as UTF-8 at all (jsonb refuses its escape; a text column silently gets U+FFFD). JSON
// and JavaScript strings carry both happily, so every text input is checked before it reaches the
// database. Without the `u` flag a regex reads code units, which is what finds a lone surrogate.
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g')

/** Why a text input was refused (after the field's name, as every refusal reads). */
export const UNSAFE_TEXT_MESSAGE = 'must not contain a NUL character (\\u0000) or an unpaired UTF-16 surrogate'

/** Whether the database can store `text` exactly as given: no NUL, no unpaired surrogate. */
export function isSafeText(text: string): boolean {
  return !UNSAFE.test(text)
}

/**
 * A string schema for any text input that reaches the database: refuses NUL and unpaired
 * surrogates, naming the problem. Chain the field's own rules after it: `safeText().trim().max(120)`.
 */
export function safeText() {
  return z.string().refine(isSafeText, UNSAFE_TEXT_MESSAGE)
}

/** `text` with every NUL and unpaired surrogate replaced by U+FFFD, for input that is shown rather than refused. */
export function storableText(text: string): string {
  return text.replace(UNSAFE_ALL, '\ufffd')
}
