import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation, useParams } from 'wouter-preact';
import { CONFIG_KINDS, STRATEGIES, type Strategy } from '../../../lambdas/routing/config-schema.js';
import { api, type List } from '../api.js';
import { type EditorProblem, JsonEditor } from '../ui/json-editor.js';
import { ErrorMessage, Loading, PageHeader } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';
import { describedBy, FieldIssue, TextField } from './configs/fields.js';
import { asTargets, type Draft, type Issue, issueFinder, issuesOf, withoutUndefined } from './configs/form-model.js';
import { BandsEditor, RolesEditor, VariantsEditor } from './configs/group-editors.js';
import { ReliabilityEditor, RulesEditor } from './configs/rules-editor.js';
import { TargetList } from './configs/target-list.js';
import { TryIt } from './configs/try-it.js';

function parseJson(text: string): { value: unknown } | { error: string; at?: number } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message)?.[1];
    return { error: `Not valid JSON: ${message}`, ...(at ? { at: Number(at) } : {}) };
  }
}

/** Strategies whose whole config is one list of targets; the others choose a group (role, band, variant) first. */
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
      {existing !== undefined && <TryIt configName={existing} />}
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
  const issues = useMemo(() => issuesOf(draft), [draft]);
  const issueAt = issueFinder(issues);
  const set = (patch: Draft) => onChange(withoutUndefined({ ...draft, ...patch }));
  const [roleList] = useApi<List<{ name: string }>>(strategy === 'role' ? '/v1/roles' : null);
  const roleNames = roleList.state === 'ready' ? roleList.data.data.map((r) => r.name) : [];
  const grouped = !TARGET_LIST_STRATEGIES.includes(strategy);
  // A group strategy's own targets are optional: blank rows are dropped on the switch rather than reported.
  const changeStrategy = (next: Strategy) => {
    const targets = asTargets(draft.targets).filter((t) => (t.model ?? '') !== '');
    set({ strategy: next, targets: targets.length > 0 ? targets : TARGET_LIST_STRATEGIES.includes(next) ? [{ model: '' }] : undefined });
  };

  return (
    <form
      class="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (issues.length === 0) void onSave(draft);
      }}
    >
      <div class="field">
        <label>
          Name
          <input
            value={String(draft.name ?? '')}
            readOnly={fixedName !== undefined}
            {...describedBy('name', issueAt)}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </label>
        <FieldIssue path="name" issueAt={issueAt} />
      </div>
      <TextField
        label={
          <>
            Description <span class="hint">(optional)</span>
          </>
        }
        path="description"
        issueAt={issueAt}
        value={String(draft.description ?? '')}
        onInput={(v) => set({ description: v || undefined })}
      />
      <div class="row">
        <div class="field">
          <label>
            Strategy
            <select value={strategy} {...describedBy('strategy', issueAt)} onChange={(e) => changeStrategy(e.currentTarget.value as Strategy)}>
              {STRATEGIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <FieldIssue path="strategy" issueAt={issueAt} />
        </div>
        <label>
          Kind of model
          <select
            value={draft.kind === 'embedding' ? 'embedding' : 'chat'}
            onChange={(e) => set({ kind: e.currentTarget.value === 'embedding' ? 'embedding' : undefined })}
          >
            {CONFIG_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      {strategy === 'role' && (
        <RolesEditor roles={draft.roles} defaultRole={draft.defaultRole} classifier={draft.classifier} roleNames={roleNames} issueAt={issueAt} onChange={set} />
      )}
      {strategy === 'complexity' && <BandsEditor value={draft.bands} issueAt={issueAt} onChange={(bands) => set({ bands })} />}
      {strategy === 'ab' && <VariantsEditor value={draft.variants} issueAt={issueAt} onChange={(variants) => set({ variants })} />}
      <TargetList
        name="Model"
        legend={grouped ? 'Last-resort targets (optional, tried after the chosen group)' : `Targets${strategy === 'fallback' ? ' (tried in order)' : ''}`}
        path="targets"
        targets={asTargets(draft.targets)}
        weights={strategy === 'weighted'}
        issueAt={issueAt}
        onChange={(targets) => set({ targets: grouped && targets.length === 0 ? undefined : targets })}
      />
      <RulesEditor value={draft.rules} issueAt={issueAt} onChange={(rules) => set({ rules })} />
      <ReliabilityEditor value={draft.reliability} issueAt={issueAt} onChange={(reliability) => set({ reliability })} />
      <IssueList issues={issues} />
      <button type="submit" disabled={busy || issues.length > 0}>
        Save config
      </button>
    </form>
  );
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
