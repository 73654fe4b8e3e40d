import { FieldIssue } from './fields.js';
import { describedBy } from './fields.js';
import type { IssueAt, TargetDraft } from './form-model.js';

/**
 * One list of targets (a config's, a role's, a band's, a variant's or a rule's): a model each, a weight where the
 * strategy splits traffic by weight. `name` prefixes every label, so each control is named uniquely on the page.
 */
export function TargetList({
  name,
  legend,
  path,
  targets,
  weights,
  issueAt,
  onChange,
}: {
  name: string;
  legend: string;
  path: string;
  targets: readonly TargetDraft[];
  weights: boolean;
  issueAt: IssueAt;
  onChange: (targets: TargetDraft[]) => void;
}) {
  const setTarget = (index: number, patch: TargetDraft) => onChange(targets.map((t, i) => (i === index ? { ...t, ...patch } : t)));
  return (
    <fieldset class="targets">
      <legend>{legend}</legend>
      <FieldIssue path={path} issueAt={issueAt} />
      {targets.map((t, i) => {
        const at = `${path}.${i}`;
        return (
          <div class="row" key={i}>
            <div class="field">
              <label>
                {name} {i + 1} <span class="hint">(&lt;provider-key name&gt;/&lt;model id&gt;)</span>
                <input
                  value={t.model ?? ''}
                  placeholder="openai/gpt-4o-mini"
                  {...describedBy(`${at}.model`, issueAt)}
                  onInput={(e) => setTarget(i, { model: e.currentTarget.value })}
                />
              </label>
              <FieldIssue path={`${at}.model`} issueAt={issueAt} />
            </div>
            {weights && (
              <div class="field">
                <label>
                  Weight of {name.toLowerCase()} {i + 1}
                  <input
                    type="number"
                    min={1}
                    max={1000}
                    value={t.weight ?? 1}
                    {...describedBy(`${at}.weight`, issueAt)}
                    onInput={(e) => setTarget(i, { weight: Number(e.currentTarget.value) })}
                  />
                </label>
                <FieldIssue path={`${at}.weight`} issueAt={issueAt} />
              </div>
            )}
            <button type="button" class="link" aria-label={`Remove ${name.toLowerCase()} ${i + 1}`} onClick={() => onChange(targets.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...targets, { model: '' }])}>
        Add {name.toLowerCase()}
      </button>
    </fieldset>
  );
}
