import { z } from 'zod';
import type { AccountProfile, AccountProfileStore, StandingChange } from '../accounts/account-profile.js';
import type { AccountStore } from '../accounts/account-service.js';
import { ADMIN_STATUSES } from '../accounts/account-state.js';
import type { MonthlyUsageReader } from '../accounts/monthly-usage.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import { decodeCursor, encodeCursor, pageQueryShape } from '../http/cursor.js';
import { ApiError } from '../http/errors.js';
import { newId } from '../keys/key-material.js';
import { effectiveLimits, limitOverridesSchema, planIdSchema, type LimitOverrides, type PlanCatalog, type PlanId, type PlanLimits } from '../plans/catalog.js';
import type { SecurityEventRecorder } from '../security/security-event.js';

/** `POST /v1/admin/invitations`. */
export const invitationSchema = z.strictObject({
  email: z.email({ error: 'must be an email address' }).max(254, { error: 'must be at most 254 characters' }),
  plan: planIdSchema.optional(),
});

/** `PATCH /v1/admin/accounts/{id}`: `limits` replaces the account's overrides of its plan's limits as a whole (`{}` clears them). */
export const accountChangeSchema = z
  .strictObject({
    plan: planIdSchema.optional(),
    status: z.enum(ADMIN_STATUSES, { error: `must be one of: ${ADMIN_STATUSES.join(', ')}` }).optional(),
    limits: limitOverridesSchema.optional(),
  })
  .refine((change) => change.plan !== undefined || change.status !== undefined || change.limits !== undefined, {
    error: 'give at least one of plan, status, limits',
  });

/** `GET /v1/admin/accounts` query parameters. */
export const accountListQuerySchema = z.strictObject(pageQueryShape);

export interface AdminAccountView {
  readonly object: 'account';
  readonly id: string;
  readonly email: string | null;
  readonly plan: PlanId;
  readonly status: AccountProfile['status'];
  /** What an admin set for this account on top of its plan. */
  readonly limits: LimitOverrides;
  /** The plan's limits with those overrides: what the account is held to. */
  readonly effectiveLimits: PlanLimits;
  readonly createdAt: string;
  readonly lastActiveAt: string | null;
  readonly requestsThisMonth: number;
}

export interface AdminAccountList {
  readonly object: 'list';
  readonly data: AdminAccountView[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

/**
 * The admin making a call, as their action's security event records it. Not their source: the event is listed to
 * the account it concerns, which has no business with the operator's addresses.
 */
export interface AdminActor {
  readonly accountId: string;
  /** The API resource path called. */
  readonly route: string;
}

export interface AdminService {
  /** Invites a person by email: the sign-in (Cognito mails the temporary password) and the account, at once, on `plan`. */
  invite(actor: AdminActor, input: z.infer<typeof invitationSchema>): Promise<AdminAccountView>;
  list(query: z.infer<typeof accountListQuerySchema>): Promise<AdminAccountList>;
  change(actor: AdminActor, accountId: string, change: z.infer<typeof accountChangeSchema>): Promise<AdminAccountView>;
}

export interface AdminDeps {
  readonly accounts: AccountStore & AccountProfileStore;
  readonly directory: Pick<UserDirectory, 'invite'>;
  readonly usage: MonthlyUsageReader;
  readonly catalog: PlanCatalog;
  /** Every admin action is a security event on the account it concerns (P8). */
  readonly securityEvents: SecurityEventRecorder;
  readonly now?: () => number;
}

const ACCOUNT_ID = /^acc_[A-Za-z0-9_-]{22}$/;
const cursorSchema = z.strictObject({ createdAt: z.iso.datetime(), accountId: z.string().regex(ACCOUNT_ID) });

export function createAdminService({ accounts, directory, usage, catalog, securityEvents, now = Date.now }: AdminDeps): AdminService {
  async function view(profile: AccountProfile): Promise<AdminAccountView> {
    return {
      object: 'account',
      id: profile.accountId,
      email: profile.email ?? null,
      plan: profile.plan,
      status: profile.status,
      limits: profile.limitOverrides,
      effectiveLimits: effectiveLimits(catalog, profile.plan, profile.limitOverrides),
      createdAt: profile.createdAt,
      lastActiveAt: profile.lastActiveAt ?? null,
      requestsThisMonth: await usage.requestsThisMonth(profile.accountId),
    };
  }

  function recordAction(actor: AdminActor, accountId: string, code: string): void {
    securityEvents.record({ kind: 'admin_action', accountId, actorAccountId: actor.accountId, code, route: actor.route });
  }

  async function current(accountId: string): Promise<AccountProfile> {
    const profile = ACCOUNT_ID.test(accountId) ? await accounts.profile(accountId) : undefined;
    if (!profile) throw new ApiError('not_found', 'No such account.', { param: 'id' });
    return profile;
  }

  return {
    async invite(actor, { email, plan = catalog.defaultPlan }) {
      const invited = await directory.invite(email);
      if (invited === 'exists') throw new ApiError('conflict', 'Someone with this email address can already sign in.', { param: 'email' });
      const accountId = newId('acc');
      const createdAt = new Date(now()).toISOString();
      // A new sign-in has no account yet, so its claim cannot be taken; were it, the sub's account stands as it is.
      if (!(await accounts.createAccount(invited.sub, accountId, createdAt, { plan, email }))) throw new Error('The invited user already has an account');
      recordAction(actor, accountId, 'invited');
      return view(await current(accountId));
    },

    async list(query) {
      const after = query.cursor === undefined ? undefined : decodeCursor(cursorSchema, query.cursor);
      const page = await accounts.listProfiles({ limit: query.limit ?? 50, after });
      return {
        object: 'list',
        data: await Promise.all(page.profiles.map(view)),
        has_more: page.after !== undefined,
        next_cursor: page.after === undefined ? null : encodeCursor(page.after),
      };
    },

    async change(actor, accountId, { plan, status, limits }) {
      await current(accountId);
      // An admin who suspended themselves could not undo it: the admin API refuses suspended callers too.
      if (status === 'suspended' && accountId === actor.accountId) throw new ApiError('conflict', 'You cannot suspend your own account.', { param: 'status' });
      const change: StandingChange = { plan, status, limitOverrides: limits };
      if (!(await accounts.changeStanding(accountId, change))) throw new ApiError('not_found', 'No such account.', { param: 'id' });
      if (plan !== undefined) recordAction(actor, accountId, 'plan_changed');
      if (status !== undefined) recordAction(actor, accountId, status === 'suspended' ? 'suspended' : 'reactivated');
      if (limits !== undefined) recordAction(actor, accountId, 'limits_changed');
      return view(await current(accountId));
    },
  };
}
