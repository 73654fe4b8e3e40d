/**
 * The tables, as one set of specs read by both the CDK stack (lib/data.ts) and the local runtime
 * (lib/local/dynamodb.ts). Every table has a string partition key `pk` and sort key `sk`.
 */
export interface TableSpec {
  /** Logical name; also the suffix of the environment variable `TABLE_<NAME>` that carries its real name. */
  readonly name: string;
  /** Epoch-seconds attribute DynamoDB TTL deletes by; absent where items never expire (P9). */
  readonly ttlAttribute?: string;
  readonly stream?: 'NEW_IMAGE';
  readonly deletionProtection?: boolean;
  readonly indexes?: readonly TableIndexSpec[];
}

/** A global secondary index with string keys. */
export interface TableIndexSpec {
  readonly name: string;
  readonly pk: string;
  readonly sk: string;
  /** KEYS_ONLY: the index holds the item keys only, so writes to other attributes never reach it. */
  readonly projection: 'KEYS_ONLY' | 'ALL';
}

export const TTL_ATTRIBUTE = 'expiresAt';

/** The sparse index listing accounts (item design: accounts-items.ts). */
export const ACCOUNTS_INDEX = 'accounts-by-created';
/** The sparse index finding a request record by its id (item design: activity-request-log.ts). */
export const REQUESTS_INDEX = 'requests-by-id';

export const TABLES = {
  /**
   * Profiles, provider keys, API keys and their hash lookups, configs, roles: kept while the account is active, with
   * no TTL (P9). Only the export jobs' bookkeeping (accounts-exports.ts) carries `expiresAt`.
   */
  accounts: { name: 'accounts', ttlAttribute: TTL_ATTRIBUTE, indexes: [{ name: ACCOUNTS_INDEX, pk: 'listPk', sk: 'createdAt', projection: 'KEYS_ONLY' }] },
  /** One metadata item per request, error logs, security events; each with a TTL by kind. */
  activity: {
    name: 'activity',
    ttlAttribute: TTL_ATTRIBUTE,
    stream: 'NEW_IMAGE',
    indexes: [{ name: REQUESTS_INDEX, pk: 'requestId', sk: 'accountId', projection: 'KEYS_ONLY' }],
  },
  /** Hourly and daily rollups and the aggregator's watermarks (P10; item design: usage-items.ts). */
  usage: { name: 'usage', ttlAttribute: TTL_ATTRIBUTE },
  /** Rate-limit windows. */
  limits: { name: 'limits', ttlAttribute: TTL_ATTRIBUTE },
  /** Payments and billing events (P12): kept 7 years, protected from deletion. */
  ledger: { name: 'ledger', ttlAttribute: TTL_ATTRIBUTE, deletionProtection: true },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;

export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** The environment variable that carries a table's physical name. */
export function tableEnvVar(table: TableName): string {
  return `TABLE_${table.toUpperCase()}`;
}
