import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RollupReader } from '../usage/rollup-reader.js';
import type { Granularity, RollupKey } from '../usage/rollup.js';
import type { RollupChange, RollupWriter } from '../usage/usage-aggregator.js';
import { ITEM as ACCOUNT_ITEM, accountPk } from './accounts-items.js';
import { LIVE_PROFILE } from './accounts-profiles.js';
import { RETENTION, expiresAfterDays } from './retention.js';
import type { TableName } from './tables.js';

/**
 * Item design of the `usage` table (rollups; the one place it is written down).
 *
 * | pk                  | sk                                    | attributes                                        |
 * |---------------------|---------------------------------------|---------------------------------------------------|
 * | ACCOUNT#<accountId> | H#<dimension>#<yyyy-mm-ddThh>#<value> | dim, period, value, counters (numbers), expiresAt — one UTC hour |
 * | ACCOUNT#<accountId> | D#<dimension>#<yyyy-mm-dd>#<value>    | the same for one UTC day                          |
 * | ACCOUNT#<accountId> | WATERMARK                             | seq, expiresAt — the highest stream sequence number counted in the account's rollups |
 *
 * `<dimension>` is one of lambdas/usage/rollup.ts DIMENSIONS (`all` with value `-`, `model` with
 * `<provider>:<model>`, `provider`, `apiKey`, `config`, `route`). Values never contain `#` (ids, slugs and model
 * ids exclude it), and `~` sorts after every character they may hold.
 *
 * Counters (rollup.ts COUNTERS) are top-level numbers so `ADD` creates them: requests, errors, `e_<error type>`,
 * fallbacks, refused, promptTokens, completionTokens, cachedTokens, reasoningTokens, costMicros, refCostMicros,
 * routedCostMicros, and the histograms' non-empty buckets `l<bucket>` (latency) and `t<bucket>` (TTFT). A missing
 * counter is 0.
 *
 * Readers: `GET /v1/usage` and `GET /v1/metrics/providers` read one dimension over a time range with one Query
 * (`sk BETWEEN <G>#<dimension>#<from> AND <G>#<dimension>#<to>#~`), page after page; the number of items depends on
 * the range and the dimension's distinct values, never on the number of requests. The one writer is the usage
 * aggregator (lambdas/usage/usage-aggregator.ts): counters only ever grow with `ADD`, and each transaction moves
 * WATERMARK from the value it read (exactly once in effect) and checks the account's PROFILE in the `accounts` table
 * (P20: it exists and is not a deletion's tombstone, so nothing is written for a deleted account, not even by
 * records that reach the aggregator after the deletion job's usage step).
 *
 * TTL: a rollup expires RETENTION.usageRollupDays after its period ends (P10); the watermark
 * RETENTION.streamWatermarkDays after its last write (a stream keeps records 24 hours, so nothing older can come
 * back). Readers drop expired items.
 */
const GRANULARITY_PREFIX = { hour: 'H', day: 'D' } as const satisfies Record<Granularity, string>;
const PERIOD_MS = { hour: 3_600_000, day: 86_400_000 } as const satisfies Record<Granularity, number>;

export const ITEM = {
  rollup: (accountId: string, key: RollupKey) => ({
    pk: accountPk(accountId),
    sk: `${GRANULARITY_PREFIX[key.granularity]}#${key.dimension}#${key.period}#${key.value}`,
  }),
  watermark: (accountId: string) => ({ pk: accountPk(accountId), sk: 'WATERMARK' }),
} as const;

/** When a rollup expires: RETENTION.usageRollupDays after the end of its period. */
export function rollupExpiresAt(key: Pick<RollupKey, 'granularity' | 'period'>): number {
  const start = Date.parse(key.granularity === 'hour' ? `${key.period}:00:00Z` : `${key.period}T00:00:00Z`);
  return expiresAfterDays(RETENTION.usageRollupDays, start + PERIOD_MS[key.granularity]);
}

/** Tries of a transaction that collided with another one on the same items. */
const CONFLICT_TRIES = 4;

/** The tables a rollup transaction touches. */
type RollupTables = Readonly<Pick<Record<TableName, string>, 'usage' | 'accounts'>>;

/** Where each part of a rollup transaction is, in its TransactItems (cancellation reasons come in the same order). */
const WATERMARK_AT = 0;
const PROFILE_AT = 1;

export function createRollupWriter(db: DynamoDBDocumentClient, tables: RollupTables, options: { now?: () => number } = {}): RollupWriter {
  const now = options.now ?? Date.now;
  const table = tables.usage;
  return {
    async watermarks(accountIds) {
      const marks = new Map<string, string>();
      for (let i = 0; i < accountIds.length; i += 100) {
        let keys: Record<string, unknown>[] | undefined = accountIds.slice(i, i + 100).map((id) => ITEM.watermark(id));
        for (let tries = 0; keys && keys.length > 0 && tries < 5; tries++) {
          const out: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
          for (const item of out.Responses?.[table] ?? []) {
            if (typeof item.seq === 'string') marks.set((item.pk as string).slice(accountPk('').length), item.seq);
          }
          keys = out.UnprocessedKeys?.[table]?.Keys;
        }
        if (keys && keys.length > 0) throw new Error('Watermarks left unread');
      }
      return marks;
    },

    async apply(change) {
      const input = transaction(tables, change, now());
      for (let tries = 1; ; tries++) {
        try {
          await db.send(new TransactWriteCommand(input));
          return 'applied';
        } catch (err) {
          const reasons = err instanceof TransactionCanceledException ? (err.CancellationReasons ?? []) : undefined;
          // A deleted account stays deleted, whatever its watermark says: 'gone' wins over 'stale'.
          if (reasons?.[PROFILE_AT]?.Code === 'ConditionalCheckFailed') return 'gone';
          if (reasons?.[WATERMARK_AT]?.Code === 'ConditionalCheckFailed') return 'stale';
          if (!reasons?.some((r) => r.Code === 'TransactionConflict') || tries >= CONFLICT_TRIES) throw err;
          await new Promise((r) => setTimeout(r, 20 * 2 ** tries * Math.random()));
        }
      }
    },
  };
}

/**
 * The watermark's move first (its condition is what a replay fails on), then the check that the account exists and is
 * not deleted, then one ADD per rollup.
 */
function transaction(tables: RollupTables, change: RollupChange, at: number) {
  const table = tables.usage;
  const watermark = {
    Update: {
      TableName: table,
      Key: ITEM.watermark(change.accountId),
      UpdateExpression: 'SET seq = :through, expiresAt = :expiresAt',
      ConditionExpression: change.after === undefined ? 'attribute_not_exists(seq)' : 'seq = :after',
      ExpressionAttributeValues: {
        ':through': change.through,
        ':expiresAt': expiresAfterDays(RETENTION.streamWatermarkDays, at),
        ...(change.after === undefined ? {} : { ':after': change.after }),
      },
    },
  };
  const rollups = change.deltas.map(({ key, counters }) => {
    const names: Record<string, string> = { '#dim': 'dim', '#period': 'period', '#value': 'value' };
    const values: Record<string, unknown> = { ':dim': key.dimension, ':period': key.period, ':value': key.value, ':expiresAt': rollupExpiresAt(key) };
    const adds: string[] = [];
    let i = 0;
    for (const [name, n] of counters) {
      names[`#c${i}`] = name;
      values[`:c${i}`] = n;
      adds.push(`#c${i} :c${i}`);
      i++;
    }
    return {
      Update: {
        TableName: table,
        Key: ITEM.rollup(change.accountId, key),
        UpdateExpression: `SET #dim = :dim, #period = :period, #value = :value, expiresAt = :expiresAt ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
  // Strict: a profile that is missing is refused too. Every account gets its profile in the transaction that creates it,
  // before it can have an API key, so only a deleted account (after the job's last step) has none.
  const profile = {
    ConditionCheck: {
      TableName: tables.accounts,
      Key: ACCOUNT_ITEM.profile(change.accountId),
      ConditionExpression: LIVE_PROFILE.condition,
      ExpressionAttributeNames: LIVE_PROFILE.names,
      ExpressionAttributeValues: LIVE_PROFILE.values,
    },
  };
  // In the order WATERMARK_AT and PROFILE_AT name.
  return { TransactItems: [watermark, profile, ...rollups] };
}

const NOT_COUNTERS = new Set(['pk', 'sk', 'dim', 'period', 'value', 'expiresAt']);

export function createRollupReader(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): RollupReader {
  const now = options.now ?? Date.now;
  return {
    async read(accountId, query) {
      const prefix = `${GRANULARITY_PREFIX[query.granularity]}#${query.dimension}#`;
      const rollups: { period: string; value: string; counters: Map<string, number> }[] = [];
      let queries = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            // DynamoDB deletes expired items only eventually, so reads drop them.
            FilterExpression: 'expiresAt > :now',
            ExpressionAttributeValues: {
              ':pk': accountPk(accountId),
              ':from': `${prefix}${query.from}`,
              ':to': `${prefix}${query.to}#~`,
              ':now': Math.floor(now() / 1000),
            },
            ExclusiveStartKey: startKey,
          }),
        );
        queries++;
        for (const item of out.Items ?? []) {
          const counters = new Map<string, number>();
          for (const [name, n] of Object.entries(item)) if (!NOT_COUNTERS.has(name) && typeof n === 'number') counters.set(name, n);
          rollups.push({ period: item.period as string, value: item.value as string, counters });
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return { rollups, queries };
    },
  };
}

/** The account's watermark, for tests and the stream reader's progress checks. */
export async function readWatermark(db: DynamoDBDocumentClient, table: string, accountId: string): Promise<string | undefined> {
  const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.watermark(accountId), ConsistentRead: true }));
  return out.Item?.seq as string | undefined;
}
