import { z } from 'zod'
import { safeText } from '../text.js'

export const Level = z.enum(['mid', 'senior', 'staff'])
export type Level = z.infer<typeof Level>

export const RoomMode = z.enum(['peer', 'panel'])
export type RoomMode = z.infer<typeof RoomMode>

/** What a mid-level, a senior and a staff answer to one step look like. */
export const LevelAnchors = z.strictObject({
  mid: safeText().min(1).max(500),
  senior: safeText().min(1).max(500),
  staff: safeText().min(1).max(500),
})
export type LevelAnchors = z.infer<typeof LevelAnchors>

/** A step key names a step in Yjs (`notes:<key>`) and in URLs, so it stays a plain slug. */
export const StepKey = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a step key is a lowercase slug of at most 32 characters')

// Strict, like every input: a misspelt field (`hint` for `hints`) is an error, not silently dropped.
export const KitStep = z.strictObject({
  key: StepKey,
  title: safeText().min(1).max(80),
  minutes: z.number().int().min(1).max(180),
  /** What the candidate should cover; shown to everyone. */
  prompts: z.array(safeText().min(1).max(300)).min(1).max(20),
  /** Follow-up questions for the interviewer; never shown to candidates or observers. */
  hints: z.array(safeText().min(1).max(300)).max(20).default([]),
  anchors: LevelAnchors,
})
export type KitStep = z.infer<typeof KitStep>

export const Kit = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  version: z.number().int().min(1),
  title: safeText().min(1).max(120),
  description: safeText().max(1000).default(''),
  builtIn: z.boolean().default(false),
  steps: z
    .array(KitStep)
    .min(1)
    .max(20)
    .refine((steps) => new Set(steps.map((s) => s.key)).size === steps.length, 'step keys must be unique'),
})
export type Kit = z.infer<typeof Kit>

/** Total planned minutes of a kit. */
export function kitMinutes(kit: Pick<Kit, 'steps'>): number {
  return kit.steps.reduce((sum, s) => sum + s.minutes, 0)
}

/** Body of `POST /api/kits` and `PUT /api/kits/:id`: a kit without the fields the server assigns. */
export const KitInput = z.strictObject({
  title: safeText().trim().min(1).max(120),
  description: safeText().max(1000).default(''),
  steps: Kit.shape.steps,
})
export type KitInput = z.infer<typeof KitInput>

/** A kit id from its title: a readable slug plus a random suffix the caller supplies. */
export function kitIdFor(title: string, suffix: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '')
  return `${slug || 'kit'}-${suffix}`
}
