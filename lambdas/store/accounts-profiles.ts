import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountStore } from '../accounts/account-service.js';
import { ACCOUNT_STATUSES, type AccountStanding, type AccountStandingStore, type AccountStatus } from '../accounts/account-state.js';
import { limitOverridesSchema, PLAN_IDS, type LimitOverrides, type PlanId } from '../plans/catalog.js';
import { ITEM, isConditionFailure, isTransactionConflict } from './accounts-items.js';

/** A change to an account's standing (admins, and later billing); fields left out stay as they are. */
export interface StandingChange {
  readonly plan?: PlanId;
  readonly status?: AccountStatus;
  /** Replaces the account's overrides as a whole; `{}` clears them. */
  readonly limitOverrides?: LimitOverrides;
}

export interface AccountRepository extends AccountStore, AccountStandingStore {
  /** Applies `change` to an existing account; false when there is no such account. */
  changeStanding(accountId: string, change: StandingChange): Promise<boolean>;
}

/**
 * Identity → account items and account profiles in the `accounts` table (layout: accounts-items.ts). A profile
 * written before plans existed has no `plan`: it is on the deployment's default plan.
 */
export function createAccountRepository(db: DynamoDBDocumentClient, table: string, options: { defaultPlan?: PlanId } = {}): AccountRepository {
  const defaultPlan = options.defaultPlan ?? 'free';
  return {
    async findAccountId(sub, options = {}) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.user(sub), ConsistentRead: options.consistent ?? false }));
      return out.Item?.accountId as string | undefined;
    },

    async createAccount(sub, accountId, createdAt) {
      try {
        // The USER# item's condition is what makes creation idempotent: only one claim of `sub` can win.
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { ...ITEM.user(sub), accountId, createdAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: table,
                  Item: { ...ITEM.profile(accountId), accountId, sub, createdAt, plan: defaultPlan, status: 'active' satisfies AccountStatus },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return true;
      } catch (err) {
        // Lost to a concurrent claim, or collided with it mid-flight: the caller re-reads and retries.
        if (isConditionFailure(err) || isTransactionConflict(err)) return false;
        throw err;
      }
    },

    async standing(accountId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.profile(accountId), ProjectionExpression: '#plan, #status, #limits', ExpressionAttributeNames: { '#plan': 'plan', '#status': 'status', '#limits': 'limits' } }));
      return out.Item ? standingOf(out.Item, defaultPlan) : undefined;
    },

    async changeStanding(accountId, change) {
      const sets = Object.entries({ plan: change.plan, status: change.status, limits: change.limitOverrides }).filter(([, value]) => value !== undefined);
      if (sets.length === 0) return (await this.standing(accountId)) !== undefined;
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: ITEM.profile(accountId),
            UpdateExpression: `SET ${sets.map(([name]) => `#${name} = :${name}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: Object.fromEntries(sets.map(([name]) => [`#${name}`, name])),
            ExpressionAttributeValues: Object.fromEntries(sets.map(([name, value]) => [`:${name}`, value])),
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}

/** A stored profile's standing, read defensively: anything unrecognised falls back to the safe value. */
function standingOf(item: Record<string, unknown>, defaultPlan: PlanId): AccountStanding {
  const plan = PLAN_IDS.includes(item.plan as PlanId) ? (item.plan as PlanId) : defaultPlan;
  // Only an explicit "active" is active: a profile whose status cannot be read is treated as suspended.
  const status = item.status === undefined || item.status === 'active' ? 'active' : ACCOUNT_STATUSES.includes(item.status as AccountStatus) ? (item.status as AccountStatus) : 'suspended';
  const overrides = limitOverridesSchema.safeParse(item.limits ?? {});
  return { plan, status, limitOverrides: overrides.success ? overrides.data : {} };
}
