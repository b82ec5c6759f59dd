import { markdownKeymap, markdownLanguage } from '@codemirror/lang-markdown'
import { EditorState, type Extension } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { minimalSetup } from 'codemirror'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13.5px', backgroundColor: 'transparent' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--font)', lineHeight: '1.6', padding: '8px 0' },
  '.cm-content': { padding: '0 14px', caretColor: 'var(--accent)' },
  '.cm-line': { padding: '0' },
  '.cm-placeholder': { color: 'var(--text-3)' },
  '.cm-ySelectionInfo': { fontFamily: 'var(--font)', fontSize: '10.5px', fontWeight: '600', padding: '1px 4px', borderRadius: '3px', opacity: '1', top: '-1.3em' },
})

/**
 * A markdown editor bound to one Y.Text: local edits go into the doc, others' carets and names
 * show from awareness (none in a replay). Undo (Ctrl+Z) undoes this person's typing only.
 */
function noteExtensions(opts: { text: Y.Text; awareness: Awareness | null; readOnly: boolean; label: string; placeholder: string }): Extension[] {
  return [
    // Before the basic keymaps, so Ctrl+Z reaches the Yjs undo manager, not CodeMirror's history.
    keymap.of(yUndoManagerKeymap),
    minimalSetup,
    // The language alone, not markdown(): that one embeds an HTML/CSS/JS parser for HTML blocks,
    // tripling the room's bundle for something notes never need.
    markdownLanguage.extension,
    keymap.of(markdownKeymap),
    EditorView.lineWrapping,
    placeholder(opts.placeholder),
    EditorView.contentAttributes.of({ 'aria-label': opts.label, 'aria-multiline': 'true' }),
    EditorState.readOnly.of(opts.readOnly),
    EditorView.editable.of(!opts.readOnly),
    theme,
    yCollab(opts.text, opts.awareness),
  ]
}

export function createNoteEditor(parent: HTMLElement, opts: Parameters<typeof noteExtensions>[0]): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({ doc: opts.text.toString(), extensions: noteExtensions(opts) }),
  })
}
