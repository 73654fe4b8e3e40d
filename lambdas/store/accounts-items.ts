import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { CountedLimit, LimitReached } from '../accounts/plan-gates.js';
import type { AccountCounts } from '../accounts/plan-report.js';
import { expiresAfterDays } from './retention.js';

/**
 * Item design of the `accounts` table (the one place it is written down). Every key is a string; `#` separates
 * a kind from an id, and ids never contain `#` (they are base64url).
 *
 * | pk                       | sk                  | attributes                                                        |
 * |--------------------------|---------------------|-------------------------------------------------------------------|
 * | USER#<cognito sub>       | USER                | accountId, createdAt — the sign-in identity's account             |
 * | ACCOUNT#<accountId>      | PROFILE             | accountId, sub, createdAt, plan, status, limits? (an admin's overrides), email?, lastActiveAt?, listPk, displayName?, preferences? (lambdas/profile/preferences.ts; `preferences.timezone` is read by usage analytics), settingsRevision?, consent? (the latest CONSENT#), avatar? ({ key, contentType, updatedAt }) |
| ACCOUNT#<accountId>      | CONSENT#<acceptedAt>| policyVersion, over13, acceptedAt, source — every acceptance of the privacy policy (P24, P25), kept with the account |
 * | ACCOUNT#<accountId>      | PKEY#<providerKeyId>| id, provider, name, hint, baseUrl?, ciphertext (envelope, P2), contextVersion? (2: bound to provider and baseUrl), createdAt |
 * | ACCOUNT#<accountId>      | PKEYNAME#<name>     | providerKeyId, usedBy? — makes names unique (same transaction as PKEY#); usedBy: names of the configs using the key |
 * | ACCOUNT#<accountId>      | APIKEY#<apiKeyId>   | id, name, hint, keyHash, createdAt, lastUsedAt?, config?          |
 * | APIKEYHASH#<sha256 hex>  | LOOKUP              | accountId, apiKeyId, config? — the raw rk_ key itself is never stored; config mirrors APIKEY#'s |
 * | ACCOUNT#<accountId>      | CONFIG#<name>       | config (validated, defaults filled), refs, revision, createdAt, updatedAt, boundKeys? |
 * | ACCOUNT#<accountId>      | ROLE#<name>         | role (name + roleBodySchema output), createdAt, updatedAt, usedBy? — a custom role, or an override of a built-in |
 * | ACCOUNT#<accountId>      | COUNTS              | configs?, customRoles?, apiKeys, providerKeys — counters that hold the plan's counts under concurrency |
 * | ACCOUNT#<accountId>      | NOTICE#<notice>     | sentAt — a notice sent once (`policy-change#<version>`, P25; `product-update#<updateId>`, P21): the job's conditional put of it is what makes a second run send nothing (lambdas/store/accounts-notices.ts) |
 * | ACCOUNT#<accountId>      | STATEKEY            | wrappedKey (the data key that seals Responses API state into ids, wrapped by KMS: lambdas/crypto/account-state-keys.ts), keyring, createdAt — made on first use, never changed |
 *
 * Index `accounts-by-created` (sparse, KEYS_ONLY): pk `listPk`, sk `createdAt`. Only PROFILE items carry `listPk`
 * (always 'ACCOUNT'), so one Query lists accounts newest first, page by page, without a scan (`GET /v1/admin/accounts`).
 * Keys only, so the frequent writes to a profile (lastActiveAt) never write the index: a page is the index Query and a
 * BatchGetItem of those profiles. One partition holds every account, which is fine for the rate accounts are
 * created at (index writes happen only then). Profiles written before the index existed get `listPk` the next time
 * their account is used (lambdas/store/accounts-profiles.ts `touchActive`).
 *
 * `apiKeys` and `providerKeys` were added to COUNTS after keys of their kind existed: for them an absent counter means
 * "not counted yet", never zero. Updates require the counter to exist, and one that is missing is seeded from a
 * count of the account's items first (`seedCounter`); new accounts start with both at 0. `configs` and `customRoles`
 * were counted from the start, so for them absent means zero.
 *
 * References are kept on the referenced item, written in the same transaction as the reference, so a referenced
 * item cannot be deleted: `usedBy` (string set of config names) on PKEYNAME# and on custom ROLE# items, and
 * `boundKeys` (string set of API key ids) on CONFIG#. `refs` on CONFIG# records exactly which usedBy entries the
 * config holds ({ providerKeys, customRoles }), so a replace or delete removes exactly those. `revision` increments on
 * every replace, for optimistic concurrency.
 *
 * Nothing here carries a TTL: account data lives while the account does (P9).
 */
export const ITEM = {
  user: (sub: string) => ({ pk: `USER#${sub}`, sk: 'USER' }),
  profile: (accountId: string) => ({ pk: accountPk(accountId), sk: 'PROFILE' }),
  providerKey: (accountId: string, providerKeyId: string) => ({ pk: accountPk(accountId), sk: `${PROVIDER_KEY_PREFIX}${providerKeyId}` }),
  providerKeyName: (accountId: string, name: string) => ({ pk: accountPk(accountId), sk: `PKEYNAME#${name}` }),
  apiKey: (accountId: string, apiKeyId: string) => ({ pk: accountPk(accountId), sk: `${API_KEY_PREFIX}${apiKeyId}` }),
  apiKeyLookup: (keyHash: string) => ({ pk: `APIKEYHASH#${keyHash}`, sk: 'LOOKUP' }),
  config: (accountId: string, name: string) => ({ pk: accountPk(accountId), sk: `${CONFIG_PREFIX}${name}` }),
  role: (accountId: string, name: string) => ({ pk: accountPk(accountId), sk: `${ROLE_PREFIX}${name}` }),
  counts: (accountId: string) => ({ pk: accountPk(accountId), sk: 'COUNTS' }),
  stateKey: (accountId: string) => ({ pk: accountPk(accountId), sk: 'STATEKEY' }),
  consent: (accountId: string, acceptedAt: string) => ({ pk: accountPk(accountId), sk: `${CONSENT_PREFIX}${acceptedAt}` }),
  notice: (accountId: string, notice: string) => ({ pk: accountPk(accountId), sk: `NOTICE#${notice}` }),
} as const;

/** The one value of the listing index's partition key (see the table above). */
export const ACCOUNT_LIST_PK = 'ACCOUNT';

export const PROVIDER_KEY_PREFIX = 'PKEY#';
export const API_KEY_PREFIX = 'APIKEY#';
export const CONFIG_PREFIX = 'CONFIG#';
export const ROLE_PREFIX = 'ROLE#';
export const CONSENT_PREFIX = 'CONSENT#';

/** Every item of one kind (sk prefix) in an account's partition, all pages. */
export async function queryAccountItems(
  db: DynamoDBDocumentClient,
  table: string,
  accountId: string,
  prefix: string,
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  await eachPageOf(db, table, accountId, prefix, { ConsistentRead: options.consistent ?? false }, (out) => items.push(...(out.Items ?? [])));
  return items;
}

/** How many items of one kind (sk prefix) an account's partition holds, read consistently. */
async function countAccountItems(db: DynamoDBDocumentClient, table: string, accountId: string, prefix: string): Promise<number> {
  let count = 0;
  await eachPageOf(db, table, accountId, prefix, { ConsistentRead: true, Select: 'COUNT' }, (out) => (count += out.Count ?? 0));
  return count;
}

async function eachPageOf(
  db: DynamoDBDocumentClient,
  table: string,
  accountId: string,
  prefix: string,
  options: Pick<QueryCommandInput, 'ConsistentRead' | 'Select'>,
  onPage: (page: QueryCommandOutput) => void,
): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': accountPk(accountId), ':prefix': prefix },
        ExclusiveStartKey: startKey,
        ...options,
      }),
    );
    onPage(out);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

export function accountPk(accountId: string): string {
  return `ACCOUNT#${accountId}`;
}

/** True when a DynamoDB error means a condition (or a transaction's condition) did not hold. */
export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'ConditionalCheckFailedException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

/** True when a transaction lost a race with another one on the same items (worth retrying). */
export function isTransactionConflict(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TransactionConflictException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'TransactionConflict');
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * Runs one transaction. Resolves undefined when it committed, or the indexes of the items whose condition failed;
 * a lost race with another transaction is thrown (see `untilSettled`), as is anything else.
 */
export async function transact(db: DynamoDBDocumentClient, items: TransactItem[]): Promise<number[] | undefined> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return undefined;
  } catch (err) {
    if (isTransactionConflict(err) || !isConditionFailure(err)) throw err;
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
  }
}

/**
 * The transaction step that counts one more in a UTC day's counter item, only while it is below `max` (its condition
 * fails at the limit). The item outlives its day by a day, then expires.
 */
export function dayCountStep(table: string, key: Readonly<Record<string, string>>, max: number, at: number): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: 'ADD #count :one SET expiresAt = :dayExpires',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':max': max, ':dayExpires': expiresAfterDays(2, at) },
    },
  };
}

/** What a read-then-write attempt returns when another writer changed what it read: it runs again from its reads. */
export const RACED = Symbol('raced');

/** Runs `attempt` until it neither returns RACED nor loses a transaction race; a few tries, then the race is an error. */
export async function untilSettled<T>(attempt: () => Promise<T | typeof RACED>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      const result = await attempt();
      if (result !== RACED) return result;
    } catch (err) {
      if (!isTransactionConflict(err)) throw err;
    }
    if (i >= tries) throw new Error('Concurrent changes to the same items kept conflicting');
    await new Promise((resolve) => setTimeout(resolve, 10 * i + Math.random() * 10));
  }
}

/** Adds or deletes one member of a string-set attribute of an item that must exist (an Update would create it). */
export function setMemberUpdate(table: string, key: Record<string, string>, attribute: string, op: 'ADD' | 'DELETE', member: string): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: `${op} #set :member`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#set': attribute },
      ExpressionAttributeValues: { ':member': new Set([member]) },
    },
  };
}

/** The COUNTS counters: one per plan limit on a number of items, by the limit's name. */
export type Counter = CountedLimit;

/** Counters that must be seeded from the items they count before use (see the table above), with those items' sk prefix. */
const SEEDED_COUNTERS: Partial<Record<Counter, string>> = { apiKeys: API_KEY_PREFIX, providerKeys: PROVIDER_KEY_PREFIX };

/** COUNTS as a new account starts: the seeded counters at 0. */
export const NEW_ACCOUNT_COUNTS = { apiKeys: 0, providerKeys: 0 } as const satisfies Partial<Record<Counter, number>>;

/**
 * Moves one of the account's COUNTS counters by `delta`; an increase is refused at `max`. For a seeded counter the
 * update also fails while the counter is absent: see `countRefusal`.
 */
export function countUpdate(table: string, accountId: string, counter: Counter, delta: 1 | -1, max?: number): TransactItem {
  const seeded = SEEDED_COUNTERS[counter] !== undefined;
  const capped = delta > 0 && max !== undefined;
  const condition = seeded
    ? capped
      ? 'attribute_exists(#n) AND #n < :max'
      : 'attribute_exists(#n)'
    : capped
      ? 'attribute_not_exists(#n) OR #n < :max'
      : undefined;
  return {
    Update: {
      TableName: table,
      Key: ITEM.counts(accountId),
      UpdateExpression: 'ADD #n :delta',
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: { '#n': counter },
      ExpressionAttributeValues: { ':delta': delta, ...(capped ? { ':max': max } : {}) },
    },
  };
}

/**
 * Why a `countUpdate` failed its condition: the account's count when it is at (or past) the limit, or RACED after
 * seeding an absent counter, so the caller's write runs again against it.
 */
export async function countRefusal(db: DynamoDBDocumentClient, table: string, accountId: string, counter: Counter): Promise<LimitReached | typeof RACED> {
  const out = await db.send(
    new GetCommand({
      TableName: table,
      Key: ITEM.counts(accountId),
      ConsistentRead: true,
      ProjectionExpression: '#n',
      ExpressionAttributeNames: { '#n': counter },
    }),
  );
  const count = out.Item?.[counter];
  if (typeof count === 'number') return { status: 'limit', count };
  const prefix = SEEDED_COUNTERS[counter];
  if (prefix === undefined) return { status: 'limit', count: 0 };
  await seedCounter(db, table, accountId, counter, prefix);
  return RACED;
}

/**
 * Sets an absent counter to the number of the account's items it counts. Exact under concurrency: no counted write
 * commits before some seed has succeeded, and only the first seed succeeds.
 */
async function seedCounter(db: DynamoDBDocumentClient, table: string, accountId: string, counter: Counter, prefix: string): Promise<void> {
  const count = await countAccountItems(db, table, accountId, prefix);
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: ITEM.counts(accountId),
        UpdateExpression: 'SET #n = :count',
        ConditionExpression: 'attribute_not_exists(#n)',
        ExpressionAttributeNames: { '#n': counter },
        ExpressionAttributeValues: { ':count': count },
      }),
    );
  } catch (err) {
    // Another seed won; its count stands.
    if (!isConditionFailure(err)) throw err;
  }
}

/** How many of each counted item the account has, as its plan counts them (absent seeded counters counted from the items). */
export async function readCounts(db: DynamoDBDocumentClient, table: string, accountId: string): Promise<Record<Counter, number>> {
  const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.counts(accountId) }));
  const item = out.Item ?? {};
  const counters: Counter[] = ['apiKeys', 'providerKeys', 'configs', 'customRoles'];
  const counts = await Promise.all(
    counters.map(async (counter) => {
      const value = item[counter];
      if (typeof value === 'number') return value;
      const prefix = SEEDED_COUNTERS[counter];
      return prefix === undefined ? 0 : countAccountItems(db, table, accountId, prefix);
    }),
  );
  return Object.fromEntries(counters.map((c, i) => [c, counts[i]])) as Record<Counter, number>;
}

/** `readCounts` as the plan report and billing read it. */
export function accountCounts(db: DynamoDBDocumentClient, table: string): AccountCounts {
  return { counts: (accountId) => readCounts(db, table, accountId) };
}

/** A string set as read back from DynamoDB (absent when it was emptied), as a sorted array. */
export function setMembers(value: unknown): string[] {
  return value instanceof Set ? [...(value as Set<string>)].sort() : [];
}
