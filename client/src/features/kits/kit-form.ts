import type { KitInput, Level } from '../../../../shared/kits/kit.js'
import type { KitView } from '../../../../shared/rooms/room.js'
import { LEVELS } from '../../../../shared/rubric/scale.js'

/** One step as the form holds it: lists are edited as text, one item per line. */
export interface StepForm {
  /** A stable identity for the list's keyed rendering (keys can be edited). */
  uid: string
  key: string
  /** True once the key was typed by hand: it stops following the title. */
  keyEdited: boolean
  title: string
  minutes: number | null
  prompts: string
  hints: string
  anchors: Record<Level, string>
}

export interface KitForm {
  title: string
  description: string
  steps: StepForm[]
}

/** Field paths as the API names them: `title`, `steps.2.key`, `steps.0.anchors.mid`… */
export type FieldErrors = Record<string, string>

export const LIMITS = { title: 120, description: 1000, stepTitle: 80, line: 300, lines: 20, anchor: 500, steps: 20, minutes: 180 } as const
const KEY = /^[a-z][a-z0-9-]{0,31}$/

let uids = 0
const uid = () => `s${++uids}`

export function emptyStep(): StepForm {
  return { uid: uid(), key: '', keyEdited: false, title: '', minutes: 5, prompts: '', hints: '', anchors: { mid: '', senior: '', staff: '' } }
}

export function emptyForm(): KitForm {
  return { title: '', description: '', steps: [emptyStep()] }
}

/** A step key from a title: "Frame the problem" → "frame-the-problem" (a lowercase slug of 32 at most). */
export function keyFromTitle(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    // Accents come apart as combining marks: drop them, keep the letter ("É" → "e").
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32)
    .replace(/-+$/, '')
  return slug
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

/** A kit (the built-in one, or a version of a custom one) as a form; `copy` starts a new kit from it. */
export function formFromKit(kit: KitView, opts: { copy?: boolean } = {}): KitForm {
  return {
    title: opts.copy ? `${kit.title} (copy)`.slice(0, LIMITS.title) : kit.title,
    description: kit.description ?? '',
    steps: kit.steps.map((s) => ({
      uid: uid(),
      key: s.key,
      keyEdited: true,
      title: s.title,
      minutes: s.minutes,
      prompts: s.prompts.join('\n'),
      hints: (s.hints ?? []).join('\n'),
      anchors: { mid: s.anchors?.mid ?? '', senior: s.anchors?.senior ?? '', staff: s.anchors?.staff ?? '' },
    })),
  }
}

/** The body of `POST /api/kits` / `PUT /api/kits/:id`. */
export function kitInput(form: KitForm): KitInput {
  return {
    title: form.title.trim(),
    description: form.description.trim(),
    steps: form.steps.map((s) => ({
      key: s.key.trim(),
      title: s.title.trim(),
      minutes: s.minutes ?? 0,
      prompts: lines(s.prompts),
      hints: lines(s.hints),
      anchors: { mid: s.anchors.mid.trim(), senior: s.anchors.senior.trim(), staff: s.anchors.staff.trim() },
    })),
  }
}

/** What the form gets wrong, by field, before asking the server (which checks it all again). */
export function validate(form: KitForm): FieldErrors {
  const errors: FieldErrors = {}
  const input = kitInput(form)
  if (!input.title) errors.title = 'Give the kit a title.'
  else if (input.title.length > LIMITS.title) errors.title = `At most ${LIMITS.title} characters.`
  if (input.description.length > LIMITS.description) errors.description = `At most ${LIMITS.description} characters.`
  if (input.steps.length === 0) errors.steps = 'A kit needs at least one step.'
  if (input.steps.length > LIMITS.steps) errors.steps = `A kit has at most ${LIMITS.steps} steps.`
  const seen = new Map<string, number>()
  input.steps.forEach((s, i) => {
    const at = `steps.${i}`
    if (!s.key) errors[`${at}.key`] = 'A key is needed: it names the step in notes and links.'
    else if (!KEY.test(s.key)) errors[`${at}.key`] = 'Lowercase letters, digits and dashes, starting with a letter (32 at most).'
    else if (seen.has(s.key)) errors[`${at}.key`] = `Step ${seen.get(s.key)! + 1} already uses this key.`
    else seen.set(s.key, i)
    if (!s.title) errors[`${at}.title`] = 'Give the step a title.'
    else if (s.title.length > LIMITS.stepTitle) errors[`${at}.title`] = `At most ${LIMITS.stepTitle} characters.`
    if (!Number.isInteger(s.minutes) || s.minutes < 1 || s.minutes > LIMITS.minutes) errors[`${at}.minutes`] = `Whole minutes, 1 to ${LIMITS.minutes}.`
    if (s.prompts.length === 0) errors[`${at}.prompts`] = 'At least one prompt: what the candidate should cover.'
    else if (s.prompts.length > LIMITS.lines) errors[`${at}.prompts`] = `At most ${LIMITS.lines} prompts.`
    else if (s.prompts.some((p) => p.length > LIMITS.line)) errors[`${at}.prompts`] = `Each prompt at most ${LIMITS.line} characters.`
    if (s.hints.length > LIMITS.lines) errors[`${at}.hints`] = `At most ${LIMITS.lines} hints.`
    else if (s.hints.some((h) => h.length > LIMITS.line)) errors[`${at}.hints`] = `Each hint at most ${LIMITS.line} characters.`
    for (const level of LEVELS) {
      const anchor = s.anchors[level]
      if (!anchor) errors[`${at}.anchors.${level}`] = 'Say what an answer at this level looks like.'
      else if (anchor.length > LIMITS.anchor) errors[`${at}.anchors.${level}`] = `At most ${LIMITS.anchor} characters.`
    }
  })
  return errors
}

/**
 * The field an API validation message is about: the server answers `steps.2.prompts.0: …`;
 * the form shows it under `steps.2.prompts` (lines are edited together). Messages without a
 * path belong to the whole kit.
 */
export function fieldOfMessage(message: string): { field: string; text: string } {
  const match = /^([a-z]+(?:\.[a-zA-Z0-9]+)*): (.+)$/s.exec(message)
  if (!match) return { field: 'form', text: message }
  const path = match[1]!.split('.')
  const field = path[0] === 'steps' && (path[2] === 'prompts' || path[2] === 'hints') ? path.slice(0, 3).join('.') : path.join('.')
  return { field, text: match[2]! }
}

export function totalMinutes(form: KitForm): number {
  return form.steps.reduce((sum, s) => sum + (Number.isFinite(s.minutes) ? (s.minutes ?? 0) : 0), 0)
}
