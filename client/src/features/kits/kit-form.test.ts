import { describe, expect, it } from 'vitest'
import { mlSystemDesignKit } from '../../../../shared/kits/ml-system-design.js'
import { emptyForm, fieldOfMessage, formFromKit, type KitForm, keyFromTitle, kitInput, totalMinutes, validate } from './kit-form.js'

function filled(): KitForm {
  const form = emptyForm()
  form.title = ' Infra loop '
  const step = form.steps[0]!
  Object.assign(step, {
    key: 'scope',
    title: 'Scope',
    minutes: 10,
    prompts: ' Who uses it? \n\n  What scale? ',
    hints: '',
    anchors: { mid: 'asks', senior: 'drives', staff: 'reframes' },
  })
  return form
}

describe('the kit form', () => {
  it('makes a step key from its title', () => {
    expect(keyFromTitle('Frame the problem as an ML task')).toBe('frame-the-problem-as-an-ml-task')
    expect(keyFromTitle('3. Évaluation & metrics!')).toBe('evaluation-metrics')
    expect(keyFromTitle('x'.repeat(50))).toHaveLength(32)
  })

  it('sends prompts and hints one per line, trimmed, without blank lines', () => {
    expect(kitInput(filled())).toEqual({
      title: 'Infra loop',
      description: '',
      steps: [{ key: 'scope', title: 'Scope', minutes: 10, prompts: ['Who uses it?', 'What scale?'], hints: [], anchors: { mid: 'asks', senior: 'drives', staff: 'reframes' } }],
    })
    expect(validate(filled())).toEqual({})
  })

  it('names every problem by its field, as the API would', () => {
    const form = filled()
    form.title = ''
    form.steps.push({ ...form.steps[0]!, uid: 'x', minutes: 0, prompts: ' ', anchors: { mid: '', senior: 's', staff: 's' } })
    form.steps.push({ ...form.steps[0]!, uid: 'y', key: 'Bad Key' })
    expect(validate(form)).toEqual({
      title: 'Give the kit a title.',
      'steps.1.key': 'Step 1 already uses this key.',
      'steps.1.minutes': 'Whole minutes, 1 to 180.',
      'steps.1.prompts': 'At least one prompt: what the candidate should cover.',
      'steps.1.anchors.mid': 'Say what an answer at this level looks like.',
      'steps.2.key': 'Lowercase letters, digits and dashes, starting with a letter (32 at most).',
    })
    expect(validate({ ...filled(), steps: [] })).toEqual({ steps: 'A kit needs at least one step.' })
  })

  it("puts the API's messages under the field they are about", () => {
    expect(fieldOfMessage('steps.2.prompts.0: Too small')).toEqual({ field: 'steps.2.prompts', text: 'Too small' })
    expect(fieldOfMessage('steps.0.anchors.staff: Too big')).toEqual({ field: 'steps.0.anchors.staff', text: 'Too big' })
    expect(fieldOfMessage('steps: step keys must be unique')).toEqual({ field: 'steps', text: 'step keys must be unique' })
    expect(fieldOfMessage('the request body is not valid JSON')).toEqual({ field: 'form', text: 'the request body is not valid JSON' })
  })

  it('starts a copy of the built-in kit with all its steps, hints and anchors', () => {
    const form = formFromKit(mlSystemDesignKit, { copy: true })
    expect(form.title).toBe('ML system design (copy)'.replace('ML system design', mlSystemDesignKit.title))
    expect(form.steps.map((s) => s.key)).toEqual(mlSystemDesignKit.steps.map((s) => s.key))
    expect(totalMinutes(form)).toBe(45)
    expect(validate(form)).toEqual({})
    expect(kitInput(form).steps[0]!.hints).toEqual(mlSystemDesignKit.steps[0]!.hints)
  })
})
