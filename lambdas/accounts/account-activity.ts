import { TtlCache } from '../cache/ttl-cache.js';
import { logger } from '../http/logger.js';
import type { AccountActivityStore } from './account-profile.js';
import type { UserDirectory } from './user-directory.js';

export interface AccountActivity {
  /** Notes a management call by the account's user; best effort, never fails the call. */
  touch(accountId: string, username: string): Promise<void>;
}

/**
 * Keeps a profile's lastActiveAt current (at most once per `intervalMs` per account and container) and fills in its
 * email the first time it is found missing. Access tokens carry no email, so it is read once from the directory:
 * this covers self sign-ups, federated users and accounts from before emails were kept, whatever route they call
 * first; an invitation writes the email with the account.
 */
export function createAccountActivity(deps: {
  store: AccountActivityStore;
  directory: Pick<UserDirectory, 'emailOf'>;
  now?: () => number;
  intervalMs?: number;
}): AccountActivity {
  const { store, directory, now = Date.now, intervalMs = 60_000 } = deps;
  const touched = new TtlCache<string, true>({ maxEntries: 10_000, now });
  return {
    async touch(accountId, username) {
      if (touched.has(accountId)) return;
      touched.set(accountId, true, intervalMs);
      try {
        const stamped = await store.touchActive(accountId, new Date(now()).toISOString());
        if (!stamped || stamped.hasEmail) return;
        const email = await directory.emailOf(username);
        if (email) await store.setEmail(accountId, email);
      } catch (err) {
        logger.warn('Account activity not recorded', { errorName: (err as Error | null)?.name ?? 'unknown' });
      }
    },
  };
}
