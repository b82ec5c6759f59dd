import { describe, expect, it } from 'vitest'
import { editableKits, editTokenFromHash, kitEditLink, kitEditToken } from './kit-tokens.js'

function memoryStore() {
  const data = new Map<string, string>()
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size
    },
  }
}

describe('kit edit keys', () => {
  it('reads the key from the fragment and remembers it for the kit', () => {
    const store = memoryStore()
    expect(editTokenFromHash('#edit=k.1')).toBe('k.1')
    expect(kitEditToken('infra-1', '#edit=secret', store)).toBe('secret')
    expect(kitEditToken('infra-1', '', store)).toBe('secret')
    expect(kitEditToken('other', '', store)).toBeNull()
    expect([...editableKits(store)]).toEqual(['infra-1'])
  })

  it('builds the edit link that carries the key', () => {
    expect(kitEditLink('http://x', 'infra-1', 'a+b')).toBe('http://x/kits/infra-1#edit=a%2Bb')
    expect(editTokenFromHash(new URL(kitEditLink('http://x', 'k', 'a+b')).hash)).toBe('a+b')
  })

  it('works without storage', () => {
    expect(kitEditToken('k', '#edit=t', null)).toBe('t')
    expect(kitEditToken('k', '', null)).toBeNull()
    expect(editableKits(null).size).toBe(0)
  })
})
