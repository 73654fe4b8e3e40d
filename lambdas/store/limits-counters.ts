import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MINUTE_MS } from '../limits/allowance.js';
import type { Lease, LimitCounters, MonthTotals } from '../limits/limit-counters.js';
import { ITEM, monthCounterExpiresAt } from './limits-items.js';
import { RETENTION } from './retention.js';

/** The limiter's counters on the `limits` table (item design and contract: limits-items.ts). Each call is one UpdateItem. */
export function createLimitCounters(db: DynamoDBDocumentClient, table: string): LimitCounters {
  /** ADD to the item's counters, when `condition` holds; the attributes after, or the item as found when it did not. */
  async function add(
    key: Record<string, string>,
    expiresAt: number,
    counters: Readonly<Record<string, number>>,
    most?: number,
  ): Promise<{ ok: boolean; item: Record<string, unknown> }> {
    const names = Object.keys(counters);
    try {
      const out = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: `SET expiresAt = if_not_exists(expiresAt, :expiresAt) ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ...(most === undefined ? {} : { ConditionExpression: 'attribute_not_exists(#c0) OR #c0 <= :most' }),
          ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#c${i}`, n])),
          ExpressionAttributeValues: {
            ':expiresAt': expiresAt,
            ...Object.fromEntries(names.map((n, i) => [`:c${i}`, counters[n]])),
            ...(most === undefined ? {} : { ':most': most }),
          },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true, item: out.Attributes ?? {} };
    } catch (err) {
      if ((err as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') throw err;
      return { ok: false, item: (err as { Item?: Record<string, unknown> }).Item ?? {} };
    }
  }

  const monthTotals = (item: Record<string, unknown>): MonthTotals => ({ requests: counter(item.requests), tokens: counter(item.tokens) });

  return {
    async leaseMinute({ accountId, apiKeyId, minute }, want, limit) {
      const key = ITEM.minute(accountId, apiKeyId, minute);
      const expiresAt = ((minute + 1) * MINUTE_MS) / 1000 + RETENTION.limitWindowSeconds;
      const take = async (n: number): Promise<Lease> => {
        const { ok, item } = await add(key, expiresAt, { requests: n }, limit - n);
        return { granted: ok ? n : 0, total: counter(item.requests) };
      };
      const first = await take(want);
      const left = limit - first.total;
      // Less than a share is left: take exactly that (one more round trip, only at the end of a window).
      return first.granted === 0 && left > 0 && left < want ? take(left) : first;
    },
    async addToMonth(accountId, month, totals) {
      const { item } = await add(ITEM.month(accountId, month), monthCounterExpiresAt(month), { requests: totals.requests, tokens: totals.tokens });
      return monthTotals(item);
    },
    async addToMonthWithin(accountId, month, requests, limit) {
      const { ok, item } = await add(ITEM.month(accountId, month), monthCounterExpiresAt(month), { requests, tokens: 0 }, limit - requests);
      return { added: ok, totals: monthTotals(item) };
    },
  };
}

/** A counter attribute as the document client returns it, or as a condition failure carries it (not unmarshalled). */
function counter(value: unknown): number {
  if (typeof value === 'number') return value;
  const n = (value as { N?: unknown } | null | undefined)?.N;
  return typeof n === 'string' ? Number(n) : 0;
}
