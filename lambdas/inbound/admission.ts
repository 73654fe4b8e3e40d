import type { Admission } from '../gateway/ports.js';
import { ApiError } from '../http/errors.js';
import type { RequestLimitName } from '../limits/allowance.js';

/** How each refusal reads to the caller: `rate_limit_exceeded` for the minute, `quota_exceeded` for the month. */
const REFUSALS: Readonly<Record<RequestLimitName, { readonly code: string; readonly message: (limit: string) => string }>> = {
  requestsPerMinutePerKey: {
    code: 'rate_limit_exceeded',
    message: (limit) => `Rate limit reached for requests per minute on this API key (limit: ${limit}). Retry after the time in Retry-After.`,
  },
  requestsPerMonth: {
    code: 'quota_exceeded',
    message: () => "This account's monthly request quota is used up. It resets at the start of next month (UTC), or when the plan grows.",
  },
  tokensPerMonth: {
    code: 'quota_exceeded',
    message: () => "This account's monthly token quota is used up. It resets at the start of next month (UTC), or when the plan grows.",
  },
};

/** A refused admission as the 429 the caller gets, naming the limit in `param` (its headers come from the admission). */
export function assertAdmitted(admission: Admission): void {
  if (!admission.refused) return;
  const { limit } = admission.refused;
  const refusal = REFUSALS[limit];
  throw new ApiError('rate_limited', refusal.message(String(admission.requests.limit)), { code: refusal.code, param: limit });
}
