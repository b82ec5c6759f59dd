import { z } from 'zod'

const LogLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent'])
export type LogLevel = z.infer<typeof LogLevel>

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1_048_576),
  LOG_LEVEL: LogLevel.default('info'),
  /**
   * Group-commit interval of the update log. DESIGN.md asks for durability within ~100 ms: 80 ms
   * plus a write of a few ms. A statement costs PGlite ~1 ms before its first row when statements
   * are this far apart (~0.25 ms back to back), so at 100 busy rooms 80 ms rather than 50 saves its
   * thread ~7 ms of CPU a second (bench/README.md).
   */
  FLUSH_INTERVAL_MS: z.coerce.number().int().min(1).max(10_000).default(80),
  /**
   * Per client address, 0 turns a limit off. Rooms are the costly anonymous write (a row, three
   * links); a person makes a few a day. Connections count Yjs upgrades and socket.io connections
   * together: a page opens two or three, so 1200 covers a large office behind one address
   * reconnecting at once after a deploy, while a flood gets 20 a second.
   */
  RATE_LIMIT_ROOMS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
  RATE_LIMIT_CONNECTIONS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  /** Behind one reverse proxy: count each request against the last X-Forwarded-For address. */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'], 'must be true or false')
    .transform((v) => v === 'true' || v === '1')
    .default(false),
})

export type Config = Readonly<z.infer<typeof Env>>

/** Thrown with one line naming the offending variable, so `main` can print it and stop. */
export class ConfigError extends Error {}

/**
 * The only reader of the environment. Empty strings count as unset, as shells often export them.
 * Returns a frozen object; a bad value throws `ConfigError` naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(Env.shape)
      .map((k) => [k, env[k]])
      .filter(([, v]) => v !== undefined && v !== ''),
  )
  const parsed = Env.safeParse(present)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const name = String(issue.path[0] ?? 'environment')
    throw new ConfigError(`invalid ${name}=${JSON.stringify(present[name] ?? '')}: ${issue.message}`)
  }
  return Object.freeze(parsed.data)
}
