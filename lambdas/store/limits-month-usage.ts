import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ITEM, monthOf } from './limits-items.js';

/** An account's figures for the current UTC month, as the router's limiter counts them. */
export interface MonthUsage {
  readonly month: string;
  readonly requests: number;
  readonly tokens: number;
}

export interface MonthUsageReader {
  usageThisMonth(accountId: string): Promise<MonthUsage>;
}

/** Reads this month's MONTH counter item (contract: lambdas/store/limits-items.ts); a missing or expired one is 0. */
export function createMonthUsageReader(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): MonthUsageReader {
  const now = options.now ?? Date.now;
  return {
    async usageThisMonth(accountId) {
      const at = now();
      const month = monthOf(at);
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.month(accountId, month), ProjectionExpression: 'requests, tokens, expiresAt' }));
      const { requests, tokens, expiresAt } = out.Item ?? {};
      const live = !(typeof expiresAt === 'number' && expiresAt <= at / 1000);
      const count = (value: unknown) => (live && typeof value === 'number' ? value : 0);
      return { month, requests: count(requests), tokens: count(tokens) };
    },
  };
}
