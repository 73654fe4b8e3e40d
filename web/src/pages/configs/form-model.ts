import { routingConfigSchema } from '../../../../lambdas/routing/config-schema.js';

/** A config being edited: any JSON object, valid or not; the API's schema says what is wrong with it. */
export type Draft = Record<string, unknown>;

export interface TargetDraft {
  readonly model?: string;
  readonly weight?: number;
}

export interface Issue {
  /** The field's path as zod names it, dot-separated (`roles.coding.0.model`). */
  readonly path: string;
  readonly message: string;
}

/** The API's own schema, run in the browser: the same messages the API would answer, before anything is sent. */
export function issuesOf(config: unknown): Issue[] {
  const result = routingConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** The first issue of exactly this field. */
export type IssueAt = (path: string) => string | undefined;

export function issueFinder(issues: readonly Issue[]): IssueAt {
  return (path) => issues.find((i) => i.path === path)?.message;
}

/** A DOM id for a field's error message, from its path. */
export function issueId(path: string): string {
  return `issue-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** A number input's value: absent when empty, so the schema's default (or its "required") applies. */
export function numberOrUndefined(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** An object without the keys whose value is undefined, so an emptied optional field leaves the config. */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function asTargets(value: unknown): TargetDraft[] {
  return Array.isArray(value) ? (value as TargetDraft[]) : [];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
