import { newId } from '../keys/key-material.js';
import { TtlCache } from '../cache/ttl-cache.js';
import type { PlanId } from '../plans/catalog.js';

/** What an account can start with besides its id: an invitation sets both. */
export interface NewAccountDetails {
  /** The deployment's default plan when absent. */
  readonly plan?: PlanId;
  readonly email?: string;
}

/** Persistence the account service needs (lambdas/store/accounts-profiles.ts). */
export interface AccountStore {
  findAccountId(sub: string, options?: { consistent?: boolean }): Promise<string | undefined>;
  /** Claims `sub` for a new account; false when another call claimed it first. */
  createAccount(sub: string, accountId: string, createdAt: string, details?: NewAccountDetails): Promise<boolean>;
}

export interface AccountService {
  /**
   * The caller's account, created on first use; concurrent first calls agree on one account. `beforeCreate` runs
   * before a new account is created and refuses it by throwing.
   */
  ensureAccount(sub: string, options?: { beforeCreate?: () => Promise<void> }): Promise<string>;
}

export function createAccountService(store: AccountStore, options: { now?: () => number } = {}): AccountService {
  const now = options.now ?? Date.now;
  // A sign-in identity's account never changes while the account lives, so it is safe to remember briefly.
  const known = new TtlCache<string, string>({ maxEntries: 10_000, now });
  return {
    async ensureAccount(sub, options = {}) {
      const cached = known.get(sub);
      if (cached) return cached;
      let accountId: string | undefined;
      for (let attempt = 0; attempt < 5 && !accountId; attempt++) {
        // After a lost race, read consistently: the winner's item must be seen.
        accountId = await store.findAccountId(sub, { consistent: attempt > 0 });
        if (accountId) break;
        if (attempt === 0) await options.beforeCreate?.();
        const candidate = newId('acc');
        if (await store.createAccount(sub, candidate, new Date(now()).toISOString())) accountId = candidate;
        else await new Promise((r) => setTimeout(r, 10 * (attempt + 1)));
      }
      if (!accountId) throw new Error('Could not create or find the account');
      known.set(sub, accountId, 5 * 60_000);
      return accountId;
    },
  };
}
