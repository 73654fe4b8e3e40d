import { PLAN_LIMIT_NAMES, type PlanId, type PlanLimitName, type PlanLimits } from '../plans/catalog.js';
import type { AccountState } from './account-state.js';
import type { MonthlyUsageReader } from './monthly-usage.js';
import type { CountedLimit } from './plan-gates.js';

/** `GET /v1/me/plan`: the caller's plan, the limits in force for the account, and its usage against each. */
export interface PlanReport {
  readonly object: 'plan';
  readonly plan: PlanId;
  /** The plan's limits with the account's own overrides applied: what every request and create call is checked against. */
  readonly limits: PlanLimits;
  /** The limits an admin set for this account alone. */
  readonly overridden: PlanLimitName[];
  /** The UTC month (`yyyy-mm`) the monthly usage is of. */
  readonly month: string;
  /** Against each limit that counts something: this month's requests and tokens, and how many items the account has. */
  readonly usage: Readonly<Record<'requestsPerMonth' | 'tokensPerMonth' | CountedLimit, number>>;
}

/** How many of each plan-counted item an account has (lambdas/store/accounts-items.ts `readCounts`). */
export interface AccountCounts {
  counts(accountId: string): Promise<Readonly<Record<CountedLimit, number>>>;
}

export function createPlanReporter(deps: { usage: MonthlyUsageReader; counts: AccountCounts }): { report(account: AccountState): Promise<PlanReport> } {
  return {
    async report(account) {
      const [month, counts] = await Promise.all([deps.usage.usageThisMonth(account.accountId), deps.counts.counts(account.accountId)]);
      return {
        object: 'plan',
        plan: account.plan,
        limits: account.limits,
        overridden: PLAN_LIMIT_NAMES.filter((name) => account.limitOverrides[name] !== undefined),
        month: month.month,
        usage: { requestsPerMonth: month.requests, tokensPerMonth: month.tokens, ...counts },
      };
    },
  };
}
