import { createHash } from 'node:crypto'
import { describe, it, expect } from 'vitest'
import { Kit, kitIdFor, kitMinutes } from './kit.js'
import { builtInKits, builtInKitVersions, findBuiltInKit, isBuiltInKitId } from './index.js'
import { mlSystemDesignKit } from './ml-system-design.js'
import { Question } from '../questions/question.js'
import { findQuestion, questionBank } from '../questions/bank.js'

const SEVEN_STEPS = ['clarify', 'frame', 'data', 'model', 'evaluate', 'serve', 'monitor']

describe('built-in kits', () => {
  it('the built-in kit has the seven steps of the framework adding to 45 minutes', () => {
    const kit = findBuiltInKit('ml-system-design')
    expect(kit).toBeDefined()
    expect(kit!.steps.map((s) => s.key)).toEqual(SEVEN_STEPS)
    expect(kit!.steps.map((s) => s.minutes)).toEqual([5, 5, 7, 8, 7, 8, 5])
    expect(kitMinutes(kit!)).toBe(45)
  })

  it('the built-in kit is marked built in, at version 1, with a title and a description', () => {
    expect(builtInKits).toHaveLength(1)
    const kit = builtInKits[0]!
    expect(kit.id).toBe('ml-system-design')
    expect(kit.version).toBe(1)
    expect(kit.builtIn).toBe(true)
    expect(kit.title).toBe('ML system design (45 min)')
    expect(kit.description.length).toBeGreaterThan(0)
  })

  it('every built-in kit is valid against the Kit schema, unchanged by parsing', () => {
    for (const kit of builtInKits) expect(Kit.parse(kit)).toEqual(kit)
    expect(Kit.parse(mlSystemDesignKit)).toEqual(mlSystemDesignKit)
  })

  it('every step has 3 to 6 prompts and 2 to 4 interviewer hints', () => {
    for (const step of mlSystemDesignKit.steps) {
      expect(step.prompts.length, step.key).toBeGreaterThanOrEqual(3)
      expect(step.prompts.length, step.key).toBeLessThanOrEqual(6)
      expect(step.hints.length, step.key).toBeGreaterThanOrEqual(2)
      expect(step.hints.length, step.key).toBeLessThanOrEqual(4)
    }
  })

  it('every step has mid, senior and staff anchors', () => {
    for (const step of mlSystemDesignKit.steps) {
      for (const level of ['mid', 'senior', 'staff'] as const) {
        expect(step.anchors[level].trim().length, `${step.key}/${level}`).toBeGreaterThan(0)
      }
      expect(new Set([step.anchors.mid, step.anchors.senior, step.anchors.staff]).size).toBe(3)
    }
  })

  it('finding an unknown kit returns undefined', () => {
    expect(findBuiltInKit('no-such-kit')).toBeUndefined()
    expect(isBuiltInKitId('no-such-kit')).toBe(false)
  })

  it('finds a built-in kit at a version it shipped, and nothing at one it never did', () => {
    expect(findBuiltInKit('ml-system-design', 1)).toBe(findBuiltInKit('ml-system-design'))
    expect(findBuiltInKit('ml-system-design', 2)).toBeUndefined()
    expect(isBuiltInKitId('ml-system-design')).toBe(true)
  })

  // Rooms reference a built-in kit by id and version (they no longer copy it): a shipped version
  // must read the same for ever. An edit changes its fingerprint here; ship it as the next version
  // beside the old one instead, and add that version's fingerprint.
  it('a shipped version of a built-in kit is never edited', () => {
    const shipped: Record<string, string> = {
      'ml-system-design@1': 'e63672c85b613569a8ed65ab8a4303c0de0b3672663dcc58bc5d22f78e493533',
    }
    for (const kit of builtInKitVersions) {
      const fingerprint = createHash('sha256').update(JSON.stringify(kit)).digest('hex')
      expect(fingerprint, `${kit.id} v${kit.version} changed: ship the change as v${kit.version + 1}`).toBe(shipped[`${kit.id}@${kit.version}`])
    }
    expect(builtInKitVersions).toHaveLength(Object.keys(shipped).length)
  })

  it('a kit whose step keys repeat is rejected', () => {
    const first = mlSystemDesignKit.steps[0]!
    expect(() => Kit.parse({ ...mlSystemDesignKit, steps: [first, first] })).toThrow()
  })
})

describe('question bank', () => {
  it('holds the ten canonical questions in order', () => {
    expect(questionBank.map((q) => q.id)).toEqual([
      'visual-search',
      'street-view-blurring',
      'video-search',
      'harmful-content',
      'video-recommendation',
      'event-recommendation',
      'ad-click-prediction',
      'similar-listings',
      'news-feed',
      'people-you-may-know',
    ])
  })

  it('question ids are unique', () => {
    const ids = questionBank.map((q) => q.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('every question is valid against the Question schema', () => {
    for (const q of questionBank) expect(Question.parse(q)).toEqual(q)
  })

  it('every question has hints for every step of the built-in kit, and no others', () => {
    const keys = mlSystemDesignKit.steps.map((s) => s.key)
    for (const q of questionBank) {
      expect(Object.keys(q.hints).sort(), q.id).toEqual([...keys].sort())
      for (const key of keys) {
        const hints = q.hints[key] ?? []
        expect(hints.length, `${q.id}/${key}`).toBeGreaterThanOrEqual(1)
        expect(hints.length, `${q.id}/${key}`).toBeLessThanOrEqual(2)
      }
    }
  })

  it('every question has a title, a one-paragraph prompt and two to four tags', () => {
    for (const q of questionBank) {
      expect(q.title.length, q.id).toBeGreaterThan(0)
      expect(q.prompt, q.id).not.toMatch(/\n/)
      expect(q.prompt.length, q.id).toBeGreaterThan(100)
      expect(q.tags.length, q.id).toBeGreaterThanOrEqual(2)
      expect(q.tags.length, q.id).toBeLessThanOrEqual(4)
    }
  })

  it('finds a question by id, and returns undefined for an unknown id', () => {
    expect(findQuestion('ad-click-prediction')?.title).toMatch(/ad click/i)
    expect(findQuestion('no-such-question')).toBeUndefined()
  })
})

describe('kitIdFor', () => {
  it('makes a readable slug of the title, accents dropped, with the suffix', () => {
    expect(kitIdFor('Évaluation de modèles', 'ab12cd')).toBe('evaluation-de-modeles-ab12cd')
    expect(kitIdFor('  !!!  ', 'x9')).toBe('kit-x9')
  })
})
