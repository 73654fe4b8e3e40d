import { TtlCache } from '../cache/ttl-cache.js';
import { ApiError, forbidden } from '../http/errors.js';
import { effectiveLimits, type LimitOverrides, type PlanCatalog, type PlanId, type PlanLimits } from '../plans/catalog.js';

/** What an admin can set an account to. */
export const ADMIN_STATUSES = ['active', 'suspended'] as const;
/** `deleted`: the tombstone its user's deletion request writes first (lambdas/deletion/); nothing sets it back. */
export const ACCOUNT_STATUSES = [...ADMIN_STATUSES, 'deleted'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** What an account's PROFILE item says about its plan and standing (lambdas/store/accounts-profiles.ts). */
export interface AccountStanding {
  readonly plan: PlanId;
  readonly status: AccountStatus;
  /** An admin's changes to the plan's limits for this one account. */
  readonly limitOverrides: LimitOverrides;
  /** The policy version the account's user last accepted, confirming they are 13 or older; absent until they do (P24, P25). */
  readonly consentedPolicy?: string;
}

/** An account's standing with its limits worked out: what every request and every create call is checked against. */
export interface AccountState extends AccountStanding {
  readonly accountId: string;
  readonly limits: PlanLimits;
}

export interface AccountStandingStore {
  /** The account's standing; undefined when the account does not exist (deleted, or never created). */
  standing(accountId: string): Promise<AccountStanding | undefined>;
}

export interface AccountStateReader {
  state(accountId: string): Promise<AccountState | undefined>;
  /** Reads again, past the cache, and caches what it read: for a refusal that a recent change may have lifted. */
  fresh(accountId: string): Promise<AccountState | undefined>;
}

/**
 * How long a container trusts what it read. Together with the API-key cache it bounds how long a suspension or a
 * plan change takes to reach every container: the promise is 30 s.
 */
export const ACCOUNT_STATE_TTL_MS = 5_000;

/** Standing → state through the deployment's plan catalog, cached per container for a few seconds. */
export function createAccountStateReader(
  store: AccountStandingStore,
  catalog: PlanCatalog,
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): AccountStateReader {
  const { ttlMs = ACCOUNT_STATE_TTL_MS, maxEntries = 10_000, now = Date.now } = options;
  const cache = new TtlCache<string, Promise<AccountState | undefined>>({ maxEntries, now });
  const reader: AccountStateReader = {
    state(accountId) {
      const cached = cache.entry(accountId);
      if (cached) return cached.value;
      return reader.fresh(accountId);
    },
    fresh(accountId) {
      const read = store
        .standing(accountId)
        .then((standing) => standing && { accountId, ...standing, limits: effectiveLimits(catalog, standing.plan, standing.limitOverrides) });
      // A failed read is not remembered: the next request asks again.
      read.catch(() => cache.delete(accountId));
      cache.set(accountId, read, ttlMs);
      return read;
    },
  };
  return reader;
}

/**
 * Refuses a suspended account with 403 `account_suspended`, its management calls and its API keys alike; a deleted one
 * with `account_deleted`: 401 to its API keys (the key no longer authenticates anyone), 410 to its sessions.
 */
export function assertAccountActive(account: Pick<AccountState, 'status'>, via: 'apiKey' | 'session'): void {
  if (account.status === 'deleted') throw accountDeleted(via);
  if (account.status === 'suspended') {
    throw forbidden('account_suspended', 'This account is suspended. Contact an administrator of this RouKey deployment.');
  }
}

/** What a deleted account's API key (401) or session (410) is answered. */
export function accountDeleted(via: 'apiKey' | 'session'): ApiError {
  return via === 'apiKey'
    ? new ApiError('unauthenticated', 'This API key belongs to a deleted account.', { code: 'account_deleted' })
    : new ApiError('gone', 'This account has been deleted. GET /v1/me/deletion tells how far its deletion has got.', { code: 'account_deleted' });
}

/** Whether an error is a deleted account's refusal (`accountDeleted`). */
export function isAccountDeleted(err: unknown): boolean {
  return err instanceof ApiError && err.options.code === 'account_deleted';
}
