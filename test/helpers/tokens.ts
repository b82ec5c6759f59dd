import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTokenSigner, type TokenClaims, type TokenSigner } from '../../server/auth/tokens.js'

/** Reads the claims inside a token without checking it (tests build bad tokens from good ones). */
export function claimsOf(token: string): TokenClaims {
  const body = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'))
  return { roomId: body.r, role: body.o, linkId: body.l, expiresAt: body.e * 1000 }
}

/** A signer holding the server's own secret, the one it generated into DATA_DIR on first start. */
export function serverSigner(dataDir: string): TokenSigner {
  return createTokenSigner(readFileSync(join(dataDir, 'secret'), 'utf8').trim())
}

/**
 * The token with one character of its signature changed. A middle character, because the last
 * base64url character of a 32-byte MAC carries two padding bits a decoder may ignore.
 */
export function forged(token: string): string {
  const [body, sig] = token.split('.') as [string, string]
  const i = Math.floor(sig.length / 2)
  const flipped = sig[i] === 'A' ? 'B' : 'A'
  return `${body}.${sig.slice(0, i)}${flipped}${sig.slice(i + 1)}`
}

/** The same claims signed with a key the server has never seen. */
export function signedElsewhere(token: string): string {
  return createTokenSigner('a-different-secret-of-at-least-32-characters').sign(claimsOf(token))
}

/** The same claims, properly signed by the server's key, but expired a minute ago. */
export function expired(dataDir: string, token: string): string {
  return serverSigner(dataDir).sign({ ...claimsOf(token), expiresAt: Date.now() - 60_000 })
}

/** Every way a token can be bad while still looking like one: each must get 401 everywhere. */
export function badTokens(dataDir: string, token: string): Record<'forged' | 'signed elsewhere' | 'expired' | 'garbage', string> {
  return {
    forged: forged(token),
    'signed elsewhere': signedElsewhere(token),
    expired: expired(dataDir, token),
    garbage: 'not-a-token',
  }
}
