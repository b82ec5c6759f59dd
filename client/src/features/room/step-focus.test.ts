import { describe, expect, it } from 'vitest'
import { StepFocus } from './step-focus.svelte.js'

describe('StepFocus', () => {
  it('follows the current step until someone picks another, then follows again when the step moves', () => {
    let current = 'clarify'
    const focus = new StepFocus(() => current)
    expect(focus.key).toBe('clarify')
    focus.pick('model')
    expect(focus.key).toBe('model')
    expect(focus.following).toBe(false)
    current = 'frame'
    expect(focus.key).toBe('frame')
    expect(focus.following).toBe(true)
  })

  it('a step picked in one round is forgotten in the next, which starts on its own current step', () => {
    let round = 1
    const focus = new StepFocus(() => 'clarify', () => round)
    focus.pick('model')
    expect(focus.key).toBe('model')
    round = 2
    expect(focus.key).toBe('clarify')
    expect(focus.following).toBe(true)
  })

  it('picking the current step is just following', () => {
    const focus = new StepFocus(() => 'data')
    focus.pick('data')
    expect(focus.following).toBe(true)
  })
})

describe('StepFocus.highlight', () => {
  it('opens the step and flashes it for a moment', async () => {
    const focus = new StepFocus(() => 'clarify')
    focus.highlight('data', 5)
    expect(focus.key).toBe('data')
    expect(focus.flashing).toBe('data')
    await new Promise((r) => setTimeout(r, 20))
    expect(focus.flashing).toBeNull()
  })
})
