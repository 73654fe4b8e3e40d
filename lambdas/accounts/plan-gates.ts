import { forbidden, type ApiError } from '../http/errors.js';
import type { PlanLimits } from '../plans/catalog.js';
import type { AccountState } from './account-state.js';

/**
 * The plan checks of the management API's create calls (P15). Counts are held by the store's counters under
 * concurrency; these build the refusals, so every one names the limit and the plan in the same words.
 */

/** What a create call needs to know of the caller's account. */
export type AccountPlan = Pick<AccountState, 'plan' | 'limits'>;

/** The limits on a number of items an account may have. */
export type CountedLimit = 'apiKeys' | 'providerKeys' | 'configs' | 'customRoles';

/** How many items of each counted kind an account has (a kind not counted yet is left out). */
export interface AccountCountsReader {
  counts(accountId: string): Promise<Partial<Record<CountedLimit, number>>>;
}

/** A store's answer when the account already has as many items as its plan allows. */
export interface LimitReached {
  readonly status: 'limit';
  /** How many the account has now (more than the limit after an admin lowered it). */
  readonly count: number;
}

const ITEM_NAMES: Record<CountedLimit, string> = {
  apiKeys: 'API keys',
  providerKeys: 'provider keys',
  configs: 'routing configs',
  customRoles: 'custom roles',
};

/** 403 `plan_limit`: "The Free plan allows 3 API keys; this account has 3. …" with `param` the limit's name. */
export function planLimitReached(account: AccountPlan, limit: CountedLimit, count: number): ApiError {
  return forbidden(
    'plan_limit',
    `The ${planName(account)} plan allows ${account.limits[limit]} ${ITEM_NAMES[limit]}; this account has ${count}. Delete one or ask for a bigger plan.`,
    limit,
  );
}

/** Refuses a provider key the plan does not allow: Bedrock keys, or a key with its own base URL. */
export function assertProviderKeyAllowed(account: AccountPlan, key: { provider: string; baseUrl?: string }): void {
  if (key.provider === 'bedrock' && !account.limits.bedrock) throw featureMissing(account, 'bedrock', 'Bedrock provider keys');
  if (key.baseUrl !== undefined && !account.limits.customBaseUrls) throw featureMissing(account, 'customBaseUrls', 'provider keys with their own baseUrl');
}

/** Refuses a routing config whose strategy the plan does not include. */
export function assertStrategyAllowed(account: AccountPlan, strategy: PlanLimits['strategies'][number]): void {
  if (!account.limits.strategies.includes(strategy)) {
    throw featureMissing(account, 'strategies', `the '${strategy}' strategy (it includes: ${account.limits.strategies.join(', ')})`);
  }
}

function featureMissing(account: AccountPlan, limit: 'bedrock' | 'customBaseUrls' | 'strategies', what: string): ApiError {
  return forbidden('plan_feature', `The ${planName(account)} plan does not include ${what}. Ask for a bigger plan.`, limit);
}

function planName({ plan }: AccountPlan): string {
  return `${plan.charAt(0).toUpperCase()}${plan.slice(1)}`;
}
