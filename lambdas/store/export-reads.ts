import { GetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ExportSection } from '../export/export-document.js';
import { preferencesOf } from '../profile/preferences.js';
import { API_KEY_PREFIX, CONFIG_PREFIX, CONSENT_PREFIX, ITEM, PROVIDER_KEY_PREFIX, ROLE_PREFIX, accountPk } from './accounts-items.js';
import { SECURITY_SK_PREFIX } from './activity-security-events.js';
import { RETENTION } from './retention.js';
import type { TableName } from './tables.js';

const DAY_MS = 86_400_000;

/** The ledger's item kinds by their sk's first part (ledger-items.ts). */
const LEDGER_KINDS: Readonly<Record<string, string>> = { BILLING: 'billing', TX: 'transaction', SYNC: 'sync', METER: 'meter' };

/**
 * What the export reads of one account, table by table, as the document's sections (docs/export.md lists them).
 * Every list is a paginated Query of the account's own partition, one page in memory at a time. Each item kind is
 * copied field by field from a list of what may leave: provider keys without their ciphertext (P2), API keys
 * without their hash, nothing of the keys and TTLs that are storage's own.
 */
export function accountExportSections(
  db: DynamoDBDocumentClient,
  tables: Readonly<Record<TableName, string>>,
  accountId: string,
  options: { now?: number; pageSize?: number } = {},
): ExportSection[] {
  const now = options.now ?? Date.now();
  const nowSeconds = Math.floor(now / 1000);
  const pk = accountPk(accountId);
  /** The account's items of one kind (sk prefix), or all of them. */
  const query = (table: string, prefix: string | undefined, extra: Partial<QueryCommandInput> = {}) =>
    queryItems(db, {
      TableName: table,
      KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix === undefined ? {} : { ':prefix': prefix }), ...extra.ExpressionAttributeValues },
      Limit: options.pageSize,
      ...(extra.FilterExpression ? { FilterExpression: extra.FilterExpression } : {}),
    });
  // DynamoDB deletes expired items only eventually: what has expired is no longer held, so it is not exported.
  const live = { FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now', ExpressionAttributeValues: { ':now': nowSeconds } };
  const profile = once(async () => (await db.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.profile(accountId) }))).Item ?? {});
  const oldestRequest = now - RETENTION.requestMetadataDays * DAY_MS;

  return [
    { name: 'profile', value: async () => profileOf(await profile()) },
    { name: 'preferences', value: async () => preferencesOf((await profile()).preferences) },
    { name: 'consents', items: () => map(query(tables.accounts, CONSENT_PREFIX), pick(['policyVersion', 'over13', 'acceptedAt', 'source'])) },
    {
      name: 'providerKeys',
      items: () => map(query(tables.accounts, PROVIDER_KEY_PREFIX), pick(['id', 'name', 'provider', 'hint', 'baseUrl', 'region', 'createdAt', 'updatedAt'])),
    },
    { name: 'apiKeys', items: () => map(query(tables.accounts, API_KEY_PREFIX), pick(['id', 'name', 'hint', 'config', 'createdAt', 'lastUsedAt'])) },
    { name: 'configs', items: () => map(query(tables.accounts, CONFIG_PREFIX), pick(['config', 'revision', 'createdAt', 'updatedAt'])) },
    { name: 'roles', items: () => map(query(tables.accounts, ROLE_PREFIX), pick(['role', 'createdAt', 'updatedAt'])) },
    // H# hourly and D# daily rollups; the aggregator's WATERMARK is bookkeeping, not data about the account.
    { name: 'usageRollups', items: () => map(concat(query(tables.usage, 'D#', live), query(tables.usage, 'H#', live)), rollupOf) },
    {
      name: 'monthlyCounters',
      items: () => map(query(tables.limits, 'MONTH#', live), (item) => ({ month: String(item.sk).slice('MONTH#'.length), ...withoutKeys(item) })),
    },
    {
      name: 'requests',
      items: () => map(query(tables.activity, 'REQ#', live), ({ kind: _kind, accountId: _account, ...record }) => withoutKeys(record)),
      position: (item) => (Date.parse(String((item as { startedAt?: unknown }).startedAt)) - oldestRequest) / (now - oldestRequest),
    },
    { name: 'securityEvents', items: () => map(query(tables.activity, SECURITY_SK_PREFIX, live), pick(['time', 'count', 'event'])) },
    {
      name: 'ledger',
      items: () =>
        map(query(tables.ledger, undefined, live), (item) => ({ kind: LEDGER_KINDS[String(item.sk).split('#')[0] ?? ''] ?? 'other', ...withoutKeys(item) })),
    },
  ];
}

/** Every item a Query finds, page after page; only the current page is held. */
export async function* queryItems(db: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

function profileOf(item: Record<string, unknown>): Record<string, unknown> {
  const avatar = item.avatar as { contentType?: unknown; updatedAt?: unknown } | undefined;
  return {
    ...pick(['accountId', 'sub', 'email', 'displayName', 'plan', 'status', 'limits', 'createdAt', 'lastActiveAt'])(item),
    ...(avatar ? { avatar: { contentType: avatar.contentType, updatedAt: avatar.updatedAt } } : {}),
  };
}

/** A rollup item as its period, dimension, value and counters (its key spells the first three: usage-items.ts). */
function rollupOf(item: Record<string, unknown>): Record<string, unknown> {
  const [granularity, dimension, period, ...value] = String(item.sk).split('#');
  const counters = Object.fromEntries(Object.entries(withoutKeys(item)).filter(([, v]) => typeof v === 'number'));
  return { granularity: granularity === 'H' ? 'hour' : 'day', dimension, period, value: value.join('#'), counters };
}

/** A copy with only `fields`, those present; string sets (DynamoDB's) become sorted arrays. */
function pick(fields: readonly string[]): (item: Record<string, unknown>) => Record<string, unknown> {
  return (item) => Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, plain(item[f])]));
}

function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, expiresAt: _expires, ...rest } = item;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, plain(v)]));
}

function plain(value: unknown): unknown {
  return value instanceof Set ? [...value].sort() : value;
}

async function* map<T>(items: AsyncIterable<Record<string, unknown>>, fn: (item: Record<string, unknown>) => T): AsyncGenerator<T> {
  for await (const item of items) yield fn(item);
}

async function* concat<T>(...parts: AsyncIterable<T>[]): AsyncGenerator<T> {
  for (const part of parts) yield* part;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= load());
}
