import { ApiError, FORBIDDEN_CODES, type ForbiddenCode } from '../http/errors.js';
import type { SecurityEvent, SecurityEventKind } from './security-event.js';

/** Each 403 code is recorded as the security event of the same name. */
const REFUSAL_KINDS = {
  plan_limit: 'plan_limit',
  plan_feature: 'plan_feature',
  account_suspended: 'account_suspended',
  admin_required: 'admin_required',
  mfa_required: 'mfa_required',
} as const satisfies Record<ForbiddenCode, SecurityEventKind>;

/** A router's 429 by its code (lambdas/inbound/admission.ts), and an API key that matched no key. */
const REQUEST_REFUSAL_KINDS: Readonly<Record<string, SecurityEventKind>> = {
  rate_limit_exceeded: 'rate_limited',
  quota_exceeded: 'quota_exceeded',
  invalid_api_key: 'invalid_api_key',
  account_deleted: 'account_deleted',
};

/** The security event an error stands for (kind, and the limit or feature as its code), or undefined for any other error. */
export function refusalEvent(err: unknown): Pick<SecurityEvent, 'kind' | 'code'> | undefined {
  if (!(err instanceof ApiError)) return undefined;
  if (err.kind === 'rate_limited' || err.kind === 'unauthenticated') {
    const kind = REQUEST_REFUSAL_KINDS[err.options.code ?? ''];
    return kind && { kind, ...(err.options.param ? { code: err.options.param } : {}) };
  }
  if (err.kind !== 'forbidden') return undefined;
  const code = err.options.code as ForbiddenCode | undefined;
  if (code === undefined || !FORBIDDEN_CODES.includes(code)) return undefined;
  return { kind: REFUSAL_KINDS[code], ...(err.options.param ? { code: err.options.param } : {}) };
}
