import type { LimitOverrides, PlanId } from '../plans/catalog.js';
import type { AccountStanding, AccountStatus } from './account-state.js';

/** What the admin API shows of an account (lambdas/store/accounts-profiles.ts keeps it on the PROFILE item). */
export interface AccountProfile extends AccountStanding {
  readonly accountId: string;
  /** Known for invited accounts at once, for others after their first management call (see account-activity.ts). */
  readonly email?: string;
  readonly createdAt: string;
  /** The last management call or API-key use, to the minute or so. */
  readonly lastActiveAt?: string;
}

/** Where a page of the account listing ends; the next page starts after it. */
export interface AccountListPosition {
  readonly createdAt: string;
  readonly accountId: string;
}

/** A change to an account's standing (admins, and later billing); fields left out stay as they are. */
export interface StandingChange {
  readonly plan?: PlanId;
  readonly status?: AccountStatus;
  /** Replaces the account's overrides as a whole; `{}` clears them. */
  readonly limitOverrides?: LimitOverrides;
}

export interface AccountProfileStore {
  profile(accountId: string): Promise<AccountProfile | undefined>;
  /** Accounts newest first; `after` continues a previous page. */
  listProfiles(page: { limit: number; after?: AccountListPosition }): Promise<{ profiles: AccountProfile[]; after?: AccountListPosition }>;
  /** Applies `change` to an existing account; false when there is no such account. */
  changeStanding(accountId: string, change: StandingChange): Promise<boolean>;
}

/** The writes that keep a profile's activity and email current. */
export interface AccountActivityStore {
  /** Stamps lastActiveAt; undefined when there is no such account, else whether the profile already has an email. */
  touchActive(accountId: string, at: string): Promise<{ hasEmail: boolean } | undefined>;
  /** Sets the email unless one is set; with `replace`, whatever is set (a verified change of address, P19). */
  setEmail(accountId: string, email: string, options?: { replace?: boolean }): Promise<void>;
}
