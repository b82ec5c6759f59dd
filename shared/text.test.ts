import { describe, expect, it } from 'vitest'
import { isSafeText, safeText, storableText, UNSAFE_TEXT_MESSAGE } from './text.js'

describe('text the database can store', () => {
  it('takes ordinary text, control characters other than NUL, and paired surrogates (emoji)', () => {
    for (const text of ['', 'plain', 'tabs\tand\nnewlines\u0001', 'ünïcode', '🚀 at the start', 'at the end 🧪', '\ud83d\ude00']) {
      expect(isSafeText(text), JSON.stringify(text)).toBe(true)
    }
  })

  it('refuses NUL and a surrogate without its other half, wherever it is', () => {
    for (const text of ['\u0000', 'a\u0000', '\ud800', 'a\ud800b', '\udc00', 'a\udc00', '\ude00\ud83d', '🚀\ud83d', '\udc00🚀']) {
      expect(isSafeText(text), JSON.stringify(text)).toBe(false)
    }
  })

  it('safeText names the problem and still chains the field rules', () => {
    const title = safeText().trim().min(1).max(5)
    expect(title.parse('  ok  ')).toBe('ok')
    expect(title.safeParse('a\u0000').error?.issues[0]?.message).toBe(UNSAFE_TEXT_MESSAGE)
    expect(title.safeParse('toolong').success).toBe(false)
  })

  it('storableText replaces only what cannot be stored', () => {
    expect(storableText('a\u0000b\ud800c\udc00d🚀')).toBe('a\ufffdb\ufffdc\ufffdd🚀')
    expect(isSafeText(storableText('\ud800\ud800\udc00'))).toBe(true)
  })
})
