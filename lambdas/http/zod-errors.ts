import type { z } from 'zod';
import { ApiError } from './errors.js';

/**
 * How a zod failure becomes a 400. The styles differ by caller on purpose (clients already depend on the exact
 * messages), so they are options here rather than separate copies of the same code.
 */
export interface ZodErrorOptions {
  /** Descend into a failed union to the option that failed deeper; translating adapters use it for better params. */
  innermostUnion?: boolean;
  /** Management API style: `Invalid '<param>'`, and an unrecognized key is named in `param`. */
  management?: boolean;
}

/** A 400 naming the field `param` and why it is wrong. */
export function invalidParam(param: string, message: string): ApiError {
  return new ApiError('invalid_request', `Invalid ${param}: ${message}`, { param });
}

/** The first zod issue as a 400 whose `param` names the field and whose message says why. */
export function zodErrorToApiError(error: z.ZodError, options: ZodErrorOptions = {}): ApiError {
  const [first] = error.issues;
  if (!first) return new ApiError('invalid_request', 'The request is invalid.');
  const issue = options.innermostUnion ? innermostIssue(first) : first;
  const unknownKey = options.management && first.code === 'unrecognized_keys' ? first.keys[0] : undefined;
  const path = [...issue.path.map(String), ...(unknownKey ? [unknownKey] : [])];
  const param = path.length > 0 ? path.join('.') : undefined;
  // zod's messages name the rule, never the offending value, so they are safe to return (P1).
  if (!param) return new ApiError('invalid_request', issue.message, { param });
  return options.management ? new ApiError('invalid_request', `Invalid '${param}': ${issue.message}`, { param }) : invalidParam(param, issue.message);
}

/** Input checked against a schema, or a 400 naming the first offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, options?: ZodErrorOptions): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw zodErrorToApiError(parsed.error, options);
}

/**
 * A failed union (content: string or parts) reports only itself; the option that matched the value's type
 * and failed deeper (one bad part, say) names the field better.
 */
function innermostIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code !== 'invalid_union') return issue;
  const deeper = issue.errors.flat().find((nested) => nested.path.length > 0);
  if (!deeper) return issue;
  const inner = innermostIssue(deeper);
  return { path: [...issue.path, ...inner.path], message: inner.message };
}
