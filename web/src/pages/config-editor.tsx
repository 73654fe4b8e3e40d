import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation, useParams } from 'wouter-preact';
import { STRATEGIES, routingConfigSchema, type Strategy } from '../../../lambdas/routing/config-schema.js';
import { api } from '../api.js';
import { type EditorProblem, JsonEditor } from '../ui/json-editor.js';
import { ErrorMessage, Loading, PageHeader } from '../ui/states.js';
import { useAction } from '../ui/use-api.js';

type Draft = Record<string, unknown>;
interface Issue {
  readonly path: string;
  readonly message: string;
}

/** The API's own schema, run in the browser: the same messages the API would answer, before anything is sent. */
function issuesOf(config: unknown): Issue[] {
  const result = routingConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function parseJson(text: string): { value: unknown } | { error: string; at?: number } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message)?.[1];
    return { error: `Not valid JSON: ${message}`, ...(at ? { at: Number(at) } : {}) };
  }
}

/** Strategies whose whole config is one list of targets: the form covers them; the others are written as JSON. */
const TARGET_LIST_STRATEGIES: readonly Strategy[] = ['fallback', 'weighted', 'cost', 'latency'];

const STARTER: Draft = { name: '', strategy: 'fallback', targets: [{ model: '' }] };

export function ConfigEditorPage() {
  const params = useParams<{ name?: string }>();
  const existing = params.name === undefined ? undefined : decodeURIComponent(params.name);
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<Draft | null>(existing === undefined ? STARTER : null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const save = useAction();

  useEffect(() => {
    if (existing === undefined) return;
    api<Draft>('GET', `/v1/configs/${encodeURIComponent(existing)}`).then(
      ({ createdAt: _c, updatedAt: _u, ...config }) => setDraft(config),
      (err: unknown) => setLoadError(err instanceof Error ? err.message : String(err)),
    );
  }, [existing]);

  if (loadError) return <ErrorMessage message={loadError} />;
  if (!draft) return <Loading what="the config" />;

  const onSave = async (config: Draft) => {
    const saved = await save.run(() =>
      existing === undefined ? api('POST', '/v1/configs', config) : api('PUT', `/v1/configs/${encodeURIComponent(existing)}`, config),
    );
    if (saved) navigate('/configs');
  };

  return (
    <>
      <PageHeader title={existing === undefined ? 'New routing config' : `Config ${existing}`} />
      <fieldset class="tabs">
        <legend class="sr-only">Editor</legend>
        <button type="button" aria-pressed={mode === 'form'} onClick={() => setMode('form')}>
          Form
        </button>
        <button type="button" aria-pressed={mode === 'json'} onClick={() => setMode('json')}>
          JSON
        </button>
      </fieldset>
      {mode === 'form' ? (
        <ConfigForm draft={draft} fixedName={existing} onChange={setDraft} onSave={onSave} busy={save.busy} />
      ) : (
        <ConfigJson draft={draft} onChange={setDraft} onSave={onSave} busy={save.busy} />
      )}
      <ErrorMessage message={save.error} />
    </>
  );
}

function IssueList({ issues }: { issues: Issue[] }) {
  if (issues.length === 0) return <p class="ok">The config is valid.</p>;
  return (
    <ul class="issues" aria-label="Problems">
      {issues.map((i) => (
        <li key={`${i.path}:${i.message}`}>
          <code>{i.path || 'config'}</code>: {i.message}
        </li>
      ))}
    </ul>
  );
}

interface EditorProps {
  readonly draft: Draft;
  readonly onChange: (draft: Draft) => void;
  readonly onSave: (config: Draft) => Promise<void>;
  readonly busy: boolean;
}

function ConfigForm({ draft, fixedName, onChange, onSave, busy }: EditorProps & { fixedName: string | undefined }) {
  const strategy = draft.strategy as Strategy;
  const targets = (Array.isArray(draft.targets) ? draft.targets : []) as { model?: string; weight?: number }[];
  const issues = useMemo(() => issuesOf(draft), [draft]);
  const issueAt = (path: string) => issues.find((i) => i.path === path)?.message;
  const set = (patch: Draft) => onChange({ ...draft, ...patch });
  const setTarget = (index: number, patch: { model?: string; weight?: number }) =>
    set({ targets: targets.map((t, i) => (i === index ? { ...t, ...patch } : t)) });

  return (
    <form
      class="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (issues.length === 0) void onSave(draft);
      }}
    >
      <label>
        Name
        <input
          value={String(draft.name ?? '')}
          readOnly={fixedName !== undefined}
          aria-invalid={issueAt('name') ? true : undefined}
          aria-describedby="name-issue"
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </label>
      <FieldIssue id="name-issue" message={issueAt('name')} />
      <label>
        Description <span class="hint">(optional)</span>
        <input value={String(draft.description ?? '')} onInput={(e) => set({ description: e.currentTarget.value || undefined })} />
      </label>
      <label>
        Strategy
        <select value={strategy} onChange={(e) => set({ strategy: e.currentTarget.value })}>
          {STRATEGIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {TARGET_LIST_STRATEGIES.includes(strategy) ? (
        <fieldset>
          <legend>Targets {strategy === 'fallback' ? '(tried in order)' : ''}</legend>
          {targets.map((t, i) => (
            <div class="row" key={i}>
              <label>
                Model {i + 1} <span class="hint">(&lt;provider-key name&gt;/&lt;model id&gt;)</span>
                <input
                  value={t.model ?? ''}
                  placeholder="openai/gpt-4o-mini"
                  aria-invalid={issueAt(`targets.${i}.model`) ? true : undefined}
                  aria-describedby={`target-${i}-issue`}
                  onInput={(e) => setTarget(i, { model: e.currentTarget.value })}
                />
              </label>
              <FieldIssue id={`target-${i}-issue`} message={issueAt(`targets.${i}.model`)} />
              {strategy === 'weighted' && (
                <label>
                  Weight
                  <input type="number" min={1} max={1000} value={t.weight ?? 1} onInput={(e) => setTarget(i, { weight: Number(e.currentTarget.value) })} />
                </label>
              )}
              <button type="button" class="link" aria-label={`Remove target ${i + 1}`} onClick={() => set({ targets: targets.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set({ targets: [...targets, { model: '' }] })}>
            Add target
          </button>
        </fieldset>
      ) : (
        <p class="hint">The {strategy} strategy's groups (roles, bands or variants) are edited in the JSON tab; the problems below update as you type.</p>
      )}
      <IssueList issues={issues} />
      <button type="submit" disabled={busy || issues.length > 0}>
        Save config
      </button>
    </form>
  );
}

function FieldIssue({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span class="field-error" id={id}>
      {message}
    </span>
  ) : null;
}

function ConfigJson({ draft, onChange, onSave, busy }: EditorProps) {
  const [text, setText] = useState(() => JSON.stringify(draft, null, 2));
  const parsed = parseJson(text);
  const issues: Issue[] = 'error' in parsed ? [{ path: '', message: parsed.error }] : issuesOf(parsed.value);
  const check = (t: string): EditorProblem[] => {
    const p = parseJson(t);
    if ('error' in p) return [{ message: p.error, from: p.at }];
    return issuesOf(p.value).map((i) => ({ message: `${i.path || 'config'}: ${i.message}` }));
  };
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        if ('value' in parsed && issues.length === 0) void onSave(parsed.value as Draft);
      }}
    >
      <JsonEditor
        value={text}
        label="Routing config as JSON"
        check={check}
        onChange={(t) => {
          setText(t);
          const p = parseJson(t);
          if ('value' in p && typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value)) onChange(p.value as Draft);
        }}
      />
      <IssueList issues={issues} />
      <button type="submit" disabled={busy || issues.length > 0}>
        Save config
      </button>
    </form>
  );
}
