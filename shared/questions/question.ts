import { z } from 'zod'

export const Question = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  title: z.string().min(1).max(120),
  /** One paragraph read out to the candidate. */
  prompt: z.string().min(1).max(2000),
  /** Hints for the interviewer, by step key of the built-in kit; never shown to candidates. */
  hints: z.record(z.string(), z.array(z.string().min(1).max(400))),
  tags: z.array(z.string()).default([]),
})
export type Question = z.infer<typeof Question>
