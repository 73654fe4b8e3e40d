import { assertAccountActive, type AccountStateReader } from '../accounts/account-state.js';
import type { ApiKeyPrincipal, RequestGate } from '../gateway/ports.js';
import { ApiError } from '../http/errors.js';
import type { PlanLimits } from '../plans/catalog.js';
import type { LimitCounters } from './limit-counters.js';
import { MinuteAllowances } from './minute-allowance.js';
import { MonthQuotas } from './month-quota.js';

export interface RequestGateOptions {
  readonly now?: () => number;
  /** Told when the limits table fails; the request is admitted (the limiter fails open, docs/limits.md). */
  readonly onError?: (err: unknown) => void;
}

/**
 * The router's gate: the account's standing and limits (cached for seconds by the state reader, so a plan change,
 * an admin's override or a suspension is seen within 30 s), then the key's minute and the account's month.
 */
export function createRequestGate(states: AccountStateReader, counters: LimitCounters, options: RequestGateOptions = {}): RequestGate {
  const minutes = new MinuteAllowances(counters, options);
  const months = new MonthQuotas(counters, options);
  const activeAccount = async (caller: ApiKeyPrincipal) => {
    const account = await states.state(caller.accountId);
    // A key whose account is gone is a key that no longer works.
    if (!account) throw new ApiError('unauthenticated', 'Invalid or revoked API key.', { code: 'invalid_api_key' });
    assertAccountActive(account, 'apiKey');
    return account;
  };
  return {
    async assertActive(caller) {
      await activeAccount(caller);
    },
    async admit(caller) {
      const limits: PlanLimits = (await activeAccount(caller)).limits;
      const minute = await minutes.take(caller, limits.requestsPerMinutePerKey);
      const requests = { limit: minute.limit, remaining: minute.remaining, resetAt: minute.resetAt };
      if (!minute.admitted) return { requests, refused: { limit: 'requestsPerMinutePerKey', retryAt: minute.resetAt } };
      const month = await months.admit(caller.accountId, limits);
      if (!month.admitted) return { requests, refused: { limit: month.limit, retryAt: month.retryAt } };
      return { requests };
    },
    settle: (caller, tokens) => months.settle(caller.accountId, tokens),
  };
}
