import { accountDeleted, assertAccountActive, type AccountState, type AccountStateReader } from './account-state.js';
import { forbidden } from '../http/errors.js';
import type { AccountActivity } from './account-activity.js';
import type { AccountService } from './account-service.js';
import type { UserDirectory } from './user-directory.js';

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
  /** Whether the token named its user (`username`): every Cognito access token does; only then can the pool be asked. */
  readonly named?: boolean;
}

export interface CallerResolver {
  /** The caller's account (created on first use) and its standing, read through the briefly cached state reader. */
  resolve(identity: CallerIdentity): Promise<Caller>;
}

export function createCallerResolver(deps: {
  accounts: AccountService;
  states: AccountStateReader;
  activity: AccountActivity;
  /** Asked before a new account is created: a deleted user's access token lives on until it expires. */
  directory?: Pick<UserDirectory, 'exists'>;
}): CallerResolver {
  const mayCreate = (identity: CallerIdentity) => async () => {
    // Only a definite "no such user" refuses: a directory that cannot be asked must not lock new users out.
    if (!deps.directory || !identity.named || (await deps.directory.exists(identity.username).catch(() => true))) return;
    throw accountDeleted('session');
  };
  return {
    async resolve(identity) {
      const { sub, username, admin } = identity;
      const accountId = await deps.accounts.ensureAccount(sub, { beforeCreate: mayCreate(identity) });
      const [account] = await Promise.all([deps.states.state(accountId), deps.activity.touch(accountId, username)]);
      // The profile goes last of an account's items, only when it is deleted (the sign-in may outlive it briefly).
      if (!account) throw accountDeleted('session');
      return { sub, accountId, account, admin };
    },
  };
}

/**
 * Refuses a suspended or deleted account (whatever the route but a deletion's own; within the state reader's cache
 * lifetime of a suspension) and,
 * on admin routes, anyone outside the admins group.
 */
export function assertCallerAllowed(caller: Caller, route: { admin: boolean; servesDeleted?: boolean }): void {
  // The deletion's own routes answer a deleted account (its status, the same deletion id again); no other route does.
  if (!(route.servesDeleted && caller.account.status === 'deleted')) assertAccountActive(caller.account, 'session');
  if (route.admin && !caller.admin) throw forbidden('admin_required', 'Only administrators may use this route.');
}
