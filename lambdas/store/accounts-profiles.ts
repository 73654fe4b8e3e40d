import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountActivityStore, AccountProfile, AccountProfileStore } from '../accounts/account-profile.js';
import type { AccountStore } from '../accounts/account-service.js';
import { ACCOUNT_STATUSES, type AccountStanding, type AccountStandingStore, type AccountStatus } from '../accounts/account-state.js';
import { CONSENT_SOURCES, type Consent, type ConsentSource } from '../accounts/policy.js';
import { limitOverridesSchema, PLAN_IDS, type PlanId } from '../plans/catalog.js';
import { preferencesOf } from '../profile/preferences.js';
import type { ProfileRecord, ProfileStore, StoredAvatar } from '../profile/profile-store.js';
import {
  ACCOUNT_LIST_PK,
  CONSENT_PREFIX,
  ITEM,
  NEW_ACCOUNT_COUNTS,
  accountPk,
  isConditionFailure,
  isTransactionConflict,
  queryAccountItems,
} from './accounts-items.js';
import { ACCOUNTS_INDEX } from './tables.js';
import type { AccountTimezones } from '../usage/usage-service.js';

export interface AccountRepository extends AccountStore, AccountStandingStore, AccountProfileStore, AccountActivityStore, ProfileStore {}

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

    async createAccount(sub, accountId, createdAt, details = {}) {
      try {
        // The USER# item's condition is what makes creation idempotent: only one claim of `sub` can win.
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { ...ITEM.user(sub), accountId, createdAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...ITEM.profile(accountId),
                    accountId,
                    sub,
                    createdAt,
                    plan: details.plan ?? defaultPlan,
                    status: 'active' satisfies AccountStatus,
                    ...(details.email === undefined ? {} : { email: details.email }),
                    listPk: ACCOUNT_LIST_PK,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: table, Item: { ...ITEM.counts(accountId), ...NEW_ACCOUNT_COUNTS }, ConditionExpression: 'attribute_not_exists(pk)' } },
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
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: ITEM.profile(accountId),
          ProjectionExpression: '#plan, #status, #limits, #consent',
          ExpressionAttributeNames: { '#plan': 'plan', '#status': 'status', '#limits': 'limits', '#consent': 'consent' },
        }),
      );
      return out.Item ? standingOf(out.Item, defaultPlan) : undefined;
    },

    async profile(accountId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.profile(accountId), ConsistentRead: true }));
      return out.Item ? profileOf(out.Item, defaultPlan) : undefined;
    },

    async listProfiles({ limit, after }) {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: ACCOUNTS_INDEX,
          KeyConditionExpression: 'listPk = :list',
          ExpressionAttributeValues: { ':list': ACCOUNT_LIST_PK },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: after && { ...ITEM.profile(after.accountId), listPk: ACCOUNT_LIST_PK, createdAt: after.createdAt },
        }),
      );
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
      const items = await batchGet(db, table, keys);
      // In the index's order; a profile deleted since the index was read is left out.
      const profiles = keys.flatMap((key) => {
        const item = items.get(key.pk);
        return item ? [profileOf(item, defaultPlan)] : [];
      });
      const last = page.LastEvaluatedKey;
      return { profiles, ...(last ? { after: { createdAt: last.createdAt as string, accountId: (last.pk as string).slice(accountPk('').length) } } : {}) };
    },

    async touchActive(accountId, at) {
      try {
        const out = await db.send(new UpdateCommand({ ...activityStamp(table, accountId, at), ReturnValues: 'ALL_NEW' }));
        return { hasEmail: typeof out.Attributes?.email === 'string' };
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async setEmail(accountId, email, options = {}) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: ITEM.profile(accountId),
            UpdateExpression: 'SET email = :email',
            ConditionExpression: options.replace ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND attribute_not_exists(email)',
            ExpressionAttributeValues: { ':email': email },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async profileRecord(accountId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.profile(accountId), ConsistentRead: true }));
      const item = out.Item;
      if (!item) return undefined;
      const consent = consentOf(item.consent);
      const avatar = avatarOf(item.avatar);
      return {
        ...profileOf(item, defaultPlan),
        ...(typeof item.displayName === 'string' ? { displayName: item.displayName } : {}),
        preferences: preferencesOf(item.preferences),
        settingsRevision: typeof item.settingsRevision === 'number' ? item.settingsRevision : 0,
        ...(consent ? { consent } : {}),
        ...(avatar ? { avatar } : {}),
      } satisfies ProfileRecord;
    },

    async saveSettings(accountId, settings, revision) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: ITEM.profile(accountId),
            UpdateExpression: `SET preferences = :preferences, settingsRevision = :next ${settings.displayName === undefined ? 'REMOVE displayName' : ', displayName = :name'}`,
            ConditionExpression:
              revision === 0 ? 'attribute_exists(pk) AND attribute_not_exists(settingsRevision)' : 'attribute_exists(pk) AND settingsRevision = :revision',
            ExpressionAttributeValues: {
              ':preferences': settings.preferences,
              ':next': revision + 1,
              ...(revision === 0 ? {} : { ':revision': revision }),
              ...(settings.displayName === undefined ? {} : { ':name': settings.displayName }),
            },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async recordConsent(accountId, consent) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: ITEM.profile(accountId),
                UpdateExpression: 'SET consent = :consent',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':consent': consent },
              },
            },
            { Put: { TableName: table, Item: { ...ITEM.consent(accountId, consent.acceptedAt), ...consent } } },
          ],
        }),
      );
    },

    async consentHistory(accountId) {
      const items = await queryAccountItems(db, table, accountId, CONSENT_PREFIX, { consistent: true });
      return items.flatMap((item) => {
        const consent = consentOf(item);
        return consent ? [consent] : [];
      });
    },

    async setAvatar(accountId, avatar) {
      const out = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: ITEM.profile(accountId),
          UpdateExpression: avatar ? 'SET avatar = :avatar' : 'REMOVE avatar',
          ConditionExpression: 'attribute_exists(pk)',
          ...(avatar ? { ExpressionAttributeValues: { ':avatar': avatar } } : {}),
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return avatarOf(out.Attributes?.avatar);
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
            // A deleted account is not an admin's to change (nor to bring back).
            ConditionExpression: LIVE_PROFILE.condition,
            ExpressionAttributeNames: { ...LIVE_PROFILE.names, ...Object.fromEntries(sets.map(([name]) => [`#${name}`, name])) },
            ExpressionAttributeValues: { ...LIVE_PROFILE.values, ...Object.fromEntries(sets.map(([name, value]) => [`:${name}`, value])) },
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

/**
 * The condition on an account's PROFILE that it exists and is not a deletion's tombstone, with the attribute name and
 * value it uses: every write that must not touch (or bring back) a deleted account carries it.
 */
export const LIVE_PROFILE = {
  condition: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :deleted)',
  names: { '#status': 'status' },
  values: { ':deleted': 'deleted' satisfies AccountStatus },
} as const;

/**
 * The write that stamps an account's lastActiveAt (and gives a profile from before the listing index its `listPk`);
 * with `notAfter`, only when the stamp is older than that, so frequent callers write at most once per interval.
 */
export function activityStamp(table: string, accountId: string, at: string, notAfter?: string): ConstructorParameters<typeof UpdateCommand>[0] {
  return {
    TableName: table,
    Key: ITEM.profile(accountId),
    UpdateExpression: 'SET lastActiveAt = :at, listPk = :list',
    // A deleted account's tombstone is never written again.
    ConditionExpression: `${LIVE_PROFILE.condition}${notAfter === undefined ? '' : ' AND (attribute_not_exists(lastActiveAt) OR lastActiveAt < :notAfter)'}`,
    ExpressionAttributeNames: LIVE_PROFILE.names,
    ExpressionAttributeValues: {
      ...LIVE_PROFILE.values,
      ':at': at,
      ':list': ACCOUNT_LIST_PK,
      ...(notAfter === undefined ? {} : { ':notAfter': notAfter }),
    },
  };
}

/** Profiles by key, consistent, all of them (BatchGetItem takes up to 100 keys and may leave some for a retry). */
async function batchGet(db: DynamoDBDocumentClient, table: string, keys: { pk: string; sk: string }[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  let pending: Record<string, unknown>[] = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
    const out = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending.slice(0, 100), ConsistentRead: true } } }));
    for (const item of out.Responses?.[table] ?? []) found.set(item.pk as string, item);
    pending = [...(out.UnprocessedKeys?.[table]?.Keys ?? []), ...pending.slice(100)];
    if (attempt >= 10) throw new Error('BatchGetItem kept leaving keys unprocessed');
  }
  return found;
}

function profileOf(item: Record<string, unknown>, defaultPlan: PlanId): AccountProfile {
  return {
    accountId: item.accountId as string,
    ...standingOf(item, defaultPlan),
    createdAt: item.createdAt as string,
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
    ...(typeof item.lastActiveAt === 'string' ? { lastActiveAt: item.lastActiveAt } : {}),
  };
}

/** A stored consent, or undefined when it does not say the user is 13 or older. */
function consentOf(stored: unknown): Consent | undefined {
  const item = (stored ?? {}) as Record<string, unknown>;
  if (item.over13 !== true || typeof item.policyVersion !== 'string' || typeof item.acceptedAt !== 'string') return undefined;
  const source = CONSENT_SOURCES.includes(item.source as ConsentSource) ? (item.source as ConsentSource) : 'api';
  return { policyVersion: item.policyVersion, over13: true, acceptedAt: item.acceptedAt, source };
}

function avatarOf(stored: unknown): StoredAvatar | undefined {
  const item = (stored ?? {}) as Record<string, unknown>;
  if (typeof item.key !== 'string' || typeof item.contentType !== 'string' || typeof item.updatedAt !== 'string') return undefined;
  return { key: item.key, contentType: item.contentType, updatedAt: item.updatedAt };
}

/** A stored profile's standing, read defensively: anything unrecognised falls back to the safe value. */
function standingOf(item: Record<string, unknown>, defaultPlan: PlanId): AccountStanding {
  const plan = PLAN_IDS.includes(item.plan as PlanId) ? (item.plan as PlanId) : defaultPlan;
  // Only an explicit "active" is active: a profile whose status cannot be read is treated as suspended.
  const status =
    item.status === undefined || item.status === 'active'
      ? 'active'
      : ACCOUNT_STATUSES.includes(item.status as AccountStatus)
        ? (item.status as AccountStatus)
        : 'suspended';
  const overrides = limitOverridesSchema.safeParse(item.limits ?? {});
  const consent = consentOf(item.consent);
  return { plan, status, limitOverrides: overrides.success ? overrides.data : {}, ...(consent ? { consentedPolicy: consent.policyVersion } : {}) };
}

/** The profile's `preferences.timezone` (P17): usage answers count days in it. */
export function createTimezoneReader(db: DynamoDBDocumentClient, table: string): AccountTimezones {
  return {
    async timezone(accountId) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: ITEM.profile(accountId),
          ProjectionExpression: '#preferences.#timezone',
          ExpressionAttributeNames: { '#preferences': 'preferences', '#timezone': 'timezone' },
        }),
      );
      const timezone = (out.Item?.preferences as { timezone?: unknown } | undefined)?.timezone;
      return typeof timezone === 'string' ? timezone : undefined;
    },
  };
}
