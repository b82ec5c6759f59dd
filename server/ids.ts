import { randomBytes } from 'node:crypto'

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789' // no l, o, 0, 1: ids get read aloud in interviews

/** A random id of `length` characters from a 32-letter alphabet (5 bits each). */
export function newId(length = 12): string {
  const bytes = randomBytes(length)
  let id = ''
  for (const b of bytes) id += ALPHABET[b & 31]
  return id
}
