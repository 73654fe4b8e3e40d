import { assertAccountActive, type AccountState, type AccountStateReader } from './account-state.js';
import { forbidden } from '../http/errors.js';
import type { AccountActivity } from './account-activity.js';
import type { AccountService } from './account-service.js';

/** Who is calling the management API: the signed-in user's account, its standing, and whether they are an admin. */
export interface Caller {
  readonly sub: string;
  readonly accountId: string;
  readonly account: AccountState;
  readonly admin: boolean;
}

/** The sign-in identity as the Cognito authorizer passed it. */
export interface CallerIdentity {
  readonly sub: string;
  /** The token's `username` (what the directory knows the user by); the sub when absent. */
  readonly username: string;
  /** Member of the admins group. */
  readonly admin: boolean;
}

export interface CallerResolver {
  /** The caller's account (created on first use) and its standing, read through the briefly cached state reader. */
  resolve(identity: CallerIdentity): Promise<Caller>;
}

export function createCallerResolver(deps: { accounts: AccountService; states: AccountStateReader; activity: AccountActivity }): CallerResolver {
  return {
    async resolve({ sub, username, admin }) {
      const accountId = await deps.accounts.ensureAccount(sub);
      const [account] = await Promise.all([deps.states.state(accountId), deps.activity.touch(accountId, username)]);
      if (!account) throw new Error('The account has no profile');
      return { sub, accountId, account, admin };
    },
  };
}

/**
 * Refuses a suspended account (whatever the route; within the state reader's cache lifetime of a suspension) and,
 * on admin routes, anyone outside the admins group.
 */
export function assertCallerAllowed(caller: Caller, route: { admin: boolean }): void {
  assertAccountActive(caller.account);
  if (route.admin && !caller.admin) throw forbidden('admin_required', 'Only administrators may use this route.');
}
