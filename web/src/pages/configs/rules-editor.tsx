import { useState } from 'preact/hooks';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_RELIABILITY, FALLBACK_ON, type Reliability } from '../../../../lambdas/routing/config-schema.js';
import { describedBy, FieldIssue, NumberField, TextField } from './fields.js';
import { asRecord, asTargets, type IssueAt, type TargetDraft, withoutUndefined } from './form-model.js';
import { TargetList } from './target-list.js';

interface RuleDraft {
  readonly name?: string;
  readonly when?: Record<string, unknown>;
  readonly targets?: TargetDraft[];
}

/** Rules, checked in order before the strategy: the first whose every condition holds sends the request to its targets. */
export function RulesEditor({ value, issueAt, onChange }: { value: unknown; issueAt: IssueAt; onChange: (rules: RuleDraft[] | undefined) => void }) {
  const rules = Array.isArray(value) ? (value as RuleDraft[]) : [];
  const set = (next: RuleDraft[]) => onChange(next.length === 0 ? undefined : next);
  const setRule = (index: number, patch: RuleDraft) => set(rules.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend>Rules</legend>
      <p class="hint">Checked in order before the strategy; the first rule whose every condition holds decides the targets.</p>
      <FieldIssue path="rules" issueAt={issueAt} />
      {rules.map((rule, i) => (
        <div class="group" key={i}>
          <div class="row">
            <TextField
              label={`Rule ${i + 1} name (optional)`}
              path={`rules.${i}.name`}
              issueAt={issueAt}
              value={rule.name ?? ''}
              placeholder={`rule-${i + 1}`}
              onInput={(name) => setRule(i, withoutUndefined({ ...rule, name: name || undefined }))}
            />
            <button type="button" class="link" aria-label={`Remove rule ${i + 1}`} onClick={() => set(rules.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
          <ConditionsEditor index={i} value={rule.when} issueAt={issueAt} onChange={(when) => setRule(i, { when })} />
          <TargetList
            name={`Rule ${i + 1} model`}
            legend={`Rule ${i + 1} targets`}
            path={`rules.${i}.targets`}
            targets={asTargets(rule.targets)}
            weights={false}
            issueAt={issueAt}
            onChange={(targets) => setRule(i, { targets })}
          />
        </div>
      ))}
      <button type="button" onClick={() => set([...rules, { when: { tools: true }, targets: [{ model: '' }] }])}>
        Add rule
      </button>
    </fieldset>
  );
}

/** A comma-separated list as the schema takes it: one string, or an array of several. */
function stringOrList(text: string): string | string[] | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
}

function listText(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';
}

/** `name=value, value` per line, as `x-roukey-metadata-<name>` headers are matched. */
function metadataOf(text: string): Record<string, string | string[]> | undefined {
  const entries = text
    .split('\n')
    .map((line) => line.split('='))
    .filter(([name]) => name?.trim())
    .map(([name, ...values]) => [name?.trim() ?? '', stringOrList(values.join('=')) ?? ''] as const);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function metadataText(value: unknown): string {
  return Object.entries(asRecord(value))
    .map(([name, values]) => `${name}=${listText(values)}`)
    .join('\n');
}

function ConditionsEditor({
  index,
  value,
  issueAt,
  onChange,
}: {
  index: number;
  value: unknown;
  issueAt: IssueAt;
  onChange: (when: Record<string, unknown>) => void;
}) {
  const when = asRecord(value);
  const at = `rules.${index}.when`;
  // Lists are typed as text and kept as typed, so a trailing comma or a half-written line survives the round trip.
  const [models, setModels] = useState(() => listText(when.model));
  const [metadata, setMetadata] = useState(() => metadataText(when.metadata));
  const set = (patch: Record<string, unknown>) => onChange(withoutUndefined({ ...when, ...patch }));
  const tools = when.tools === true ? 'yes' : when.tools === false ? 'no' : 'any';
  return (
    <fieldset>
      <legend>Rule {index + 1} conditions</legend>
      <FieldIssue path={at} issueAt={issueAt} />
      <div class="field">
        <label>
          Rule {index + 1} requested models <span class="hint">(comma-separated; a trailing * matches a prefix)</span>
          <input
            value={models}
            placeholder="gpt-4*, claude-*"
            {...describedBy(`${at}.model`, issueAt)}
            onInput={(e) => {
              setModels(e.currentTarget.value);
              set({ model: stringOrList(e.currentTarget.value) });
            }}
          />
        </label>
        <FieldIssue path={`${at}.model`} issueAt={issueAt} />
      </div>
      <label>
        Rule {index + 1} tools offered
        <select value={tools} onChange={(e) => set({ tools: e.currentTarget.value === 'any' ? undefined : e.currentTarget.value === 'yes' })}>
          <option value="any">either</option>
          <option value="yes">yes</option>
          <option value="no">no</option>
        </select>
      </label>
      <div class="row">
        <NumberField
          label={`Rule ${index + 1} min prompt tokens`}
          path={`${at}.minPromptTokens`}
          issueAt={issueAt}
          value={when.minPromptTokens}
          min={0}
          onInput={(v) => set({ minPromptTokens: v })}
        />
        <NumberField
          label={`Rule ${index + 1} max prompt tokens`}
          path={`${at}.maxPromptTokens`}
          issueAt={issueAt}
          value={when.maxPromptTokens}
          min={0}
          onInput={(v) => set({ maxPromptTokens: v })}
        />
      </div>
      <div class="field">
        <label>
          Rule {index + 1} metadata <span class="hint">(one per line: name=value, value; matched against x-roukey-metadata-&lt;name&gt;)</span>
          <textarea
            value={metadata}
            rows={2}
            {...describedBy(`${at}.metadata`, issueAt)}
            onInput={(e) => {
              setMetadata(e.currentTarget.value);
              set({ metadata: metadataOf(e.currentTarget.value) });
            }}
          />
        </label>
        <FieldIssue path={`${at}.metadata`} issueAt={issueAt} />
      </div>
    </fieldset>
  );
}

/** The reliability settings that are numbers; the schema checks their bounds, `min` and `max` only guide the input. */
interface NumberSetting {
  readonly field: keyof Reliability;
  readonly label: string;
  readonly min: number;
  readonly max?: number;
  readonly placeholder: number;
}

const RELIABILITY_NUMBERS: readonly NumberSetting[] = [
  { field: 'retries', label: 'Retries per target', min: 0, max: 3, placeholder: DEFAULT_RELIABILITY.retries },
  { field: 'timeoutMs', label: 'Attempt timeout (ms)', min: 1000, placeholder: DEFAULT_RELIABILITY.timeoutMs },
  { field: 'firstTokenTimeoutMs', label: 'First token timeout (ms)', min: 100, placeholder: DEFAULT_RELIABILITY.firstTokenTimeoutMs },
  { field: 'idleTimeoutMs', label: 'Idle timeout (ms)', min: 100, placeholder: DEFAULT_IDLE_TIMEOUT_MS },
];

/** Retries, timeouts and which failures move on to the next target; absent fields take the API's defaults. */
export function ReliabilityEditor({
  value,
  issueAt,
  onChange,
}: {
  value: unknown;
  issueAt: IssueAt;
  onChange: (reliability: Record<string, unknown> | undefined) => void;
}) {
  const reliability = asRecord(value);
  const set = (patch: Record<string, unknown>) => {
    const next = withoutUndefined({ ...reliability, ...patch });
    onChange(Object.keys(next).length === 0 ? undefined : next);
  };
  const fallbackOn = Array.isArray(reliability.fallbackOn) ? (reliability.fallbackOn as string[]) : DEFAULT_RELIABILITY.fallbackOn;
  return (
    <fieldset>
      <legend>Reliability</legend>
      <p class="hint">Empty fields take the defaults shown.</p>
      <div class="row">
        {RELIABILITY_NUMBERS.map(({ field, label, min, max, placeholder }) => (
          <NumberField
            key={field}
            label={label}
            path={`reliability.${field}`}
            issueAt={issueAt}
            value={reliability[field]}
            min={min}
            max={max}
            placeholder={String(placeholder)}
            onInput={(v) => set({ [field]: v })}
          />
        ))}
      </div>
      <fieldset {...describedBy('reliability.fallbackOn', issueAt)}>
        <legend>Fall back to the next target on</legend>
        {FALLBACK_ON.map((kind) => (
          <label class="inline" key={kind}>
            <input
              type="checkbox"
              checked={fallbackOn.includes(kind)}
              onChange={(e) => set({ fallbackOn: e.currentTarget.checked ? [...fallbackOn, kind] : fallbackOn.filter((k) => k !== kind) })}
            />
            {kind}
          </label>
        ))}
        <FieldIssue path="reliability.fallbackOn" issueAt={issueAt} />
      </fieldset>
    </fieldset>
  );
}
