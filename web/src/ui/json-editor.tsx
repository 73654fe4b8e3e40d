import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'preact/hooks';

/** A problem the editor marks: a JSON syntax error at its offset, or a schema issue on the whole document. */
export interface EditorProblem {
  readonly message: string;
  readonly from?: number;
}

/** CodeMirror 6 with JSON highlighting and a linter fed by `check`; `onChange` gets every edit. */
export function JsonEditor({
  value,
  label,
  onChange,
  check,
}: {
  value: string;
  label: string;
  onChange: (text: string) => void;
  check: (text: string) => EditorProblem[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef({ onChange, check });
  latest.current = { onChange, check };

  useEffect(() => {
    if (!host.current) return;
    // In a shadow root CodeMirror's style-mod puts its theme in a constructed style sheet, not a <style> element,
    // so the CSP can keep refusing inline style sheets.
    const shadow = host.current.shadowRoot ?? host.current.attachShadow({ mode: 'open' });
    const view = new EditorView({
      root: shadow,
      parent: shadow,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          json(),
          lintGutter(),
          linter(
            (v): Diagnostic[] =>
              latest.current.check(v.state.doc.toString()).map((p) => {
                const from = Math.min(p.from ?? 0, v.state.doc.length);
                return { from, to: Math.min(from + 1, v.state.doc.length), severity: 'error', message: p.message };
              }),
            { delay: 150 },
          ),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          // Long lines wrap rather than scroll: the editor grows with its text and never hides part of it.
          EditorView.lineWrapping,
          EditorView.theme({ '&': { minHeight: '240px' }, '.cm-scroller': { fontFamily: 'ui-monospace, monospace' } }),
        ],
      }),
    });
    return () => view.destroy();
    // The editor owns its text after creation; the parent re-creates it (a new key) to replace it.
  }, []);

  return <div class="json-editor" ref={host} />;
}
