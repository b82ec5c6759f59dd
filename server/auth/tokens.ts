import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../../shared/errors.js'
import { Role } from '../../shared/rooms/roles.js'

export interface TokenClaims {
  roomId: string
  role: Role
  linkId: string
  /** Expiry, ms since epoch. */
  expiresAt: number
}

const Payload = z.object({ r: z.string(), o: Role, l: z.string(), e: z.number().int() })

/**
 * Compact signed tokens: base64url(JSON claims) + "." + base64url(HMAC-SHA256). Short enough for
 * a URL, and verifiable without a database round trip (revocation is checked separately).
 */
export function createTokenSigner(secret: string) {
  const sign = (body: string) => createHmac('sha256', secret).update(body).digest()
  const kitToken = (kitId: string) => 'kit.' + sign(`kit:${kitId}`).toString('base64url')
  return {
    sign(claims: TokenClaims): string {
      const body = Buffer.from(
        JSON.stringify({ r: claims.roomId, o: claims.role, l: claims.linkId, e: Math.floor(claims.expiresAt / 1000) }),
      ).toString('base64url')
      return `${body}.${sign(body).toString('base64url')}`
    },
    /** The key that lets its holder publish new versions of a custom kit (no accounts: whoever made it holds it). */
    kitToken,
    verifyKitToken(kitId: string, token: string | undefined): boolean {
      if (!token) return false
      const expected = Buffer.from(kitToken(kitId))
      const given = Buffer.from(token)
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
    /** Checks signature and expiry; throws `unauthorized` with a message a person can act on. */
    verify(token: string, now: number): TokenClaims {
      const [body, sig, extra] = token.split('.')
      if (!body || !sig || extra !== undefined) throw new AppError('unauthorized', 'malformed token')
      const given = Buffer.from(sig, 'base64url')
      const expected = sign(body)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new AppError('unauthorized', 'invalid token signature')
      }
      let payload: z.infer<typeof Payload>
      try {
        payload = Payload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')))
      } catch {
        throw new AppError('unauthorized', 'malformed token')
      }
      if (payload.e * 1000 <= now) throw new AppError('unauthorized', 'this invite link has expired')
      return { roomId: payload.r, role: payload.o, linkId: payload.l, expiresAt: payload.e * 1000 }
    },
  }
}
export type TokenSigner = ReturnType<typeof createTokenSigner>
