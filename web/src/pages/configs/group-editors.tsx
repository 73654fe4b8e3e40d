import { useState } from 'preact/hooks';
import { classifierSchema, COMPLEXITY_BANDS } from '../../../../lambdas/routing/config-schema.js';
import { describedBy, FieldIssue, NumberField, TextField } from './fields.js';
import { asRecord, asTargets, type IssueAt, type TargetDraft, withoutUndefined } from './form-model.js';
import { TargetList } from './target-list.js';

/** A group's part of the draft: as stored (possibly invalid, hence unknown), changed into `T`. */
interface GroupProps<T> {
  readonly value: unknown;
  readonly issueAt: IssueAt;
  readonly onChange: (value: T) => void;
}

/** Target lists by name (a config's `roles` or `bands`), each removable. */
function KeyedGroups({
  kind,
  field,
  groups,
  issueAt,
  onChange,
}: {
  kind: 'role' | 'band';
  field: 'roles' | 'bands';
  groups: Record<string, TargetDraft[]>;
  issueAt: IssueAt;
  onChange: (groups: Record<string, TargetDraft[]>) => void;
}) {
  const title = kind === 'role' ? 'Role' : 'Band';
  return (
    <>
      {Object.entries(groups).map(([name, targets]) => (
        <div class="group" key={name}>
          <TargetList
            name={`${title} ${name} model`}
            legend={`${title} ${name}`}
            path={`${field}.${name}`}
            targets={asTargets(targets)}
            weights={false}
            issueAt={issueAt}
            onChange={(next) => onChange({ ...groups, [name]: next })}
          />
          <button type="button" class="link" onClick={() => onChange(Object.fromEntries(Object.entries(groups).filter(([other]) => other !== name)))}>
            Remove {kind} {name}
          </button>
        </div>
      ))}
    </>
  );
}

/** The `role` strategy: targets per role, the default role, and how requests are classified. */
export function RolesEditor({
  roles,
  defaultRole,
  classifier,
  roleNames,
  issueAt,
  onChange,
}: {
  roles: unknown;
  defaultRole: unknown;
  classifier: unknown;
  /** The account's roles (built-ins, overrides, custom), offered to map. */
  roleNames: readonly string[];
  issueAt: IssueAt;
  onChange: (patch: { roles?: Record<string, TargetDraft[]>; defaultRole?: string; classifier?: Record<string, unknown> }) => void;
}) {
  const mapped = asRecord(roles) as Record<string, TargetDraft[]>;
  const unmapped = roleNames.filter((name) => !(name in mapped));
  const [adding, setAdding] = useState('');
  const toAdd = unmapped.includes(adding) ? adding : (unmapped[0] ?? '');
  const setRoles = (next: Record<string, TargetDraft[]>) => onChange({ roles: next });
  return (
    <fieldset>
      <legend>Roles</legend>
      <p class="hint">Requests are classified into one of the mapped roles and sent to its targets; manage roles on the Roles page.</p>
      <FieldIssue path="roles" issueAt={issueAt} />
      <KeyedGroups kind="role" field="roles" groups={mapped} issueAt={issueAt} onChange={setRoles} />
      {unmapped.length > 0 && (
        <div class="row">
          <label>
            Role to map
            <select value={toAdd} onChange={(e) => setAdding(e.currentTarget.value)}>
              {unmapped.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={!toAdd} onClick={() => setRoles({ ...mapped, [toAdd]: [{ model: '' }] })}>
            Map role
          </button>
        </div>
      )}
      <div class="field">
        <label>
          Default role <span class="hint">(when the classifier is unsure)</span>
          <select
            value={typeof defaultRole === 'string' ? defaultRole : ''}
            {...describedBy('defaultRole', issueAt)}
            onChange={(e) => onChange({ defaultRole: e.currentTarget.value || undefined })}
          >
            <option value="">(choose one)</option>
            {Object.keys(mapped).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <FieldIssue path="defaultRole" issueAt={issueAt} />
      </div>
      <ClassifierEditor value={classifier} issueAt={issueAt} onChange={(next) => onChange({ classifier: next })} />
    </fieldset>
  );
}

function ClassifierEditor({ value, issueAt, onChange }: { value: unknown; issueAt: IssueAt; onChange: (value: Record<string, unknown> | undefined) => void }) {
  const classifier = asRecord(value);
  const method = classifier.method === 'llm' ? 'llm' : 'local';
  const set = (patch: Record<string, unknown>) => {
    const next = withoutUndefined({ ...classifier, ...patch });
    onChange(Object.keys(next).length === 0 ? undefined : next);
  };
  return (
    <fieldset>
      <legend>Classifier</legend>
      <label>
        Method
        <select
          value={method}
          onChange={(e) =>
            set({
              method: e.currentTarget.value === 'llm' ? 'llm' : undefined,
              ...(e.currentTarget.value === 'llm' ? {} : { model: undefined, timeoutMs: undefined }),
            })
          }
        >
          <option value="local">local (in memory, no call)</option>
          <option value="llm">llm (a model of yours names the role)</option>
        </select>
      </label>
      {method === 'llm' && (
        <>
          <TextField
            label="Classifier model"
            path="classifier.model"
            issueAt={issueAt}
            value={typeof classifier.model === 'string' ? classifier.model : ''}
            placeholder="openai/gpt-4o-mini"
            onInput={(v) => set({ model: v || undefined })}
          />
          <NumberField
            label="Classifier timeout (ms)"
            path="classifier.timeoutMs"
            issueAt={issueAt}
            value={classifier.timeoutMs}
            min={100}
            max={10_000}
            placeholder={String(classifierSchema.parse({}).timeoutMs)}
            onInput={(v) => set({ timeoutMs: v })}
          />
        </>
      )}
      <NumberField
        label="Minimum confidence, 0 to 1 (empty: RouKey's default)"
        path="classifier.minConfidence"
        issueAt={issueAt}
        value={classifier.minConfidence}
        min={0}
        max={1}
        step="any"
        onInput={(v) => set({ minConfidence: v })}
      />
    </fieldset>
  );
}

/** The `complexity` strategy: targets per band, 1 (a greeting) to 5 (a many-part design). */
export function BandsEditor({ value, issueAt, onChange }: GroupProps<Record<string, TargetDraft[]>>) {
  const bands = asRecord(value) as Record<string, TargetDraft[]>;
  const missing = COMPLEXITY_BANDS.filter((band) => !(band in bands));
  return (
    <fieldset>
      <legend>Complexity bands</legend>
      <p class="hint">
        Each request is scored from 1 (a greeting, a fact) to 5 (a many-part design or derivation); a score without its own band uses the nearest lower band,
        else the nearest higher one.
      </p>
      <FieldIssue path="bands" issueAt={issueAt} />
      <KeyedGroups kind="band" field="bands" groups={bands} issueAt={issueAt} onChange={onChange} />
      <div class="row">
        {missing.map((band) => (
          <button type="button" key={band} onClick={() => onChange(sortedBands({ ...bands, [band]: [{ model: '' }] }))}>
            Add band {band}
          </button>
        ))}
      </div>
    </fieldset>
  );
}

function sortedBands(bands: Record<string, TargetDraft[]>): Record<string, TargetDraft[]> {
  return Object.fromEntries(Object.entries(bands).sort(([a], [b]) => a.localeCompare(b)));
}

interface VariantDraft {
  readonly name?: string;
  readonly percent?: number;
  readonly targets?: TargetDraft[];
}

/** The `ab` strategy: named variants with their share of traffic (adding up to 100), sticky per user. */
export function VariantsEditor({ value, issueAt, onChange }: GroupProps<VariantDraft[]>) {
  const variants = Array.isArray(value) ? (value as VariantDraft[]) : [];
  const setVariant = (index: number, patch: VariantDraft) => onChange(variants.map((v, i) => (i === index ? { ...v, ...patch } : v)));
  const total = variants.reduce((sum, v) => sum + (typeof v.percent === 'number' ? v.percent : 0), 0);
  return (
    <fieldset>
      <legend>A/B variants</legend>
      <p class="hint">Each user (the request's `user` field, else the API key) stays in one variant. Shares so far: {total}%.</p>
      <FieldIssue path="variants" issueAt={issueAt} />
      {variants.map((v, i) => (
        <div class="group" key={i}>
          <div class="row">
            <TextField
              label={`Variant ${i + 1} name`}
              path={`variants.${i}.name`}
              issueAt={issueAt}
              value={v.name ?? ''}
              onInput={(name) => setVariant(i, { name })}
            />
            <NumberField
              label={`Variant ${i + 1} percent`}
              path={`variants.${i}.percent`}
              issueAt={issueAt}
              value={v.percent}
              min={0}
              max={100}
              step="any"
              onInput={(percent) => setVariant(i, { percent })}
            />
            <button type="button" class="link" aria-label={`Remove variant ${i + 1}`} onClick={() => onChange(variants.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
          <TargetList
            name={`Variant ${i + 1} model`}
            legend={`Variant ${i + 1} targets`}
            path={`variants.${i}.targets`}
            targets={asTargets(v.targets)}
            weights={false}
            issueAt={issueAt}
            onChange={(targets) => setVariant(i, { targets })}
          />
        </div>
      ))}
      <button type="button" onClick={() => onChange([...variants, { name: '', percent: Math.max(0, 100 - total), targets: [{ model: '' }] }])}>
        Add variant
      </button>
    </fieldset>
  );
}
