import type { ComponentChildren } from 'preact';
import { type IssueAt, issueId, numberOrUndefined } from './form-model.js';

/** A field's error, next to it and named by its control's aria-describedby. */
export function FieldIssue({ path, issueAt }: { path: string; issueAt: IssueAt }) {
  const message = issueAt(path);
  return message ? (
    <span class="field-error" id={issueId(path)}>
      {message}
    </span>
  ) : null;
}

/** The accessibility attributes of a control whose field is `path`. */
export function describedBy(path: string, issueAt: IssueAt): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return issueAt(path) ? { 'aria-invalid': true, 'aria-describedby': issueId(path) } : {};
}

interface FieldProps {
  readonly label: ComponentChildren;
  /** The field's path in the config, for its error. */
  readonly path: string;
  readonly issueAt: IssueAt;
}

export function TextField({
  label,
  path,
  issueAt,
  value,
  placeholder,
  onInput,
}: FieldProps & { value: string; placeholder?: string; onInput: (value: string) => void }) {
  return (
    <div class="field">
      <label>
        {label}
        <input value={value} placeholder={placeholder} {...describedBy(path, issueAt)} onInput={(e) => onInput(e.currentTarget.value)} />
      </label>
      <FieldIssue path={path} issueAt={issueAt} />
    </div>
  );
}

export function NumberField({
  label,
  path,
  issueAt,
  value,
  min,
  max,
  step,
  placeholder,
  onInput,
}: FieldProps & { value: unknown; min?: number; max?: number; step?: number | 'any'; placeholder?: string; onInput: (value: number | undefined) => void }) {
  return (
    <div class="field">
      <label>
        {label}
        <input
          type="number"
          value={typeof value === 'number' && !Number.isNaN(value) ? value : ''}
          min={min}
          max={max}
          step={step}
          placeholder={placeholder}
          {...describedBy(path, issueAt)}
          onInput={(e) => onInput(numberOrUndefined(e.currentTarget.value))}
        />
      </label>
      <FieldIssue path={path} issueAt={issueAt} />
    </div>
  );
}
