import { describe, expect, it, vi } from 'vitest'
import type { Kit } from '../../../../shared/kits/kit.js'
import { kitFor } from '../../../../shared/rooms/room.js'
import { ApiError } from '../../lib/api.js'
import { type KitApi, KitEditor } from './kit-editor.svelte.js'

const KIT: Kit = {
  id: 'infra-loop-abc',
  version: 3,
  title: 'Infra loop',
  description: '',
  builtIn: false,
  steps: [{ key: 'scope', title: 'Scope', minutes: 10, prompts: ['Who?'], hints: ['Probe'], anchors: { mid: 'm', senior: 's', staff: 't' } }],
}

function fakeApi(overrides: Partial<KitApi> = {}): KitApi {
  return {
    kit: vi.fn(async (_id: string, token?: string) => (token === 'good' ? KIT : kitFor('candidate', KIT))),
    createKit: vi.fn(async (input) => ({ kit: { ...input, id: 'new-kit-1', version: 1, builtIn: false } as Kit, editToken: 'tok' })),
    updateKit: vi.fn(async (id, _token, input) => ({ ...input, id, version: 4, builtIn: false }) as Kit),
    ...overrides,
  }
}

describe('KitEditor', () => {
  it('checks the form before asking the server, then keeps errors up to date while typing', async () => {
    const api = fakeApi()
    const editor = new KitEditor(api)
    await editor.open({})
    expect(await editor.publish()).toBe(false)
    expect(api.createKit).not.toHaveBeenCalled()
    expect(editor.errors.title).toBeTruthy()
    editor.form.title = 'Infra'
    editor.changed()
    expect(editor.errors.title).toBeUndefined()
    expect(editor.errors['steps.0.key']).toBeTruthy()
    editor.setStepTitle(editor.form.steps[0]!, 'Scope the system')
    expect(editor.form.steps[0]!.key).toBe('scope-the-system')
    expect(editor.errors['steps.0.key']).toBeUndefined()
  })

  it('creates a kit and becomes its editor, with the edit key', async () => {
    const editor = new KitEditor(fakeApi())
    await editor.open({ copyOf: 'infra-loop-abc' })
    expect(editor.mode).toBe('new')
    expect(editor.form.title).toBe('Infra loop (copy)')
    // Without the key, the source's hints and anchors did not come: the anchors are asked for.
    expect(await editor.publish()).toBe(false)
    expect(editor.errors['steps.0.anchors.mid']).toBeTruthy()
    Object.assign(editor.form.steps[0]!.anchors, { mid: 'a', senior: 'b', staff: 'c' })
    expect(await editor.publish()).toBe(true)
    expect(editor).toMatchObject({ mode: 'edit', kitId: 'new-kit-1', editToken: 'tok', version: 1 })
  })

  it('publishes the next version with the edit key; without it, only reads', async () => {
    const api = fakeApi()
    const editing = new KitEditor(api)
    await editing.open({ kitId: 'infra-loop-abc', editToken: 'good' })
    expect(editing.mode).toBe('edit')
    expect(editing.version).toBe(3)
    editing.form.steps[0]!.minutes = 12
    expect(await editing.publish()).toBe(true)
    expect(api.updateKit).toHaveBeenCalledWith('infra-loop-abc', 'good', expect.objectContaining({ steps: [expect.objectContaining({ minutes: 12 })] }))
    expect(editing.version).toBe(4)

    const reading = new KitEditor(api)
    await reading.open({ kitId: 'infra-loop-abc', editToken: 'wrong' })
    expect(reading.mode).toBe('view')
    expect(await reading.publish()).toBe(false)
  })

  it("shows the API's refusal under the field it names", async () => {
    const editor = new KitEditor(fakeApi({ createKit: vi.fn(async () => Promise.reject(new ApiError(400, 'invalid', 'steps.0.prompts.0: Too big: expected string to have <=300 characters'))) }))
    await editor.open({ copyOf: 'infra-loop-abc' })
    Object.assign(editor.form.steps[0]!.anchors, { mid: 'a', senior: 'b', staff: 'c' })
    expect(await editor.publish()).toBe(false)
    expect(editor.errors).toEqual({ 'steps.0.prompts': 'Too big: expected string to have <=300 characters' })
  })
})
