import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MonthlyUsageReader } from '../accounts/monthly-usage.js';
import { accountPk } from './accounts-items.js';
import { RETENTION } from './retention.js';

/**
 * Item design of the `limits` table (counters with a TTL; the one place it is written down).
 *
 * | pk                   | sk              | attributes                                                  |
 * |----------------------|-----------------|-------------------------------------------------------------|
 * | ACCOUNT#<accountId>  | MONTH#<yyyy-mm> | requests, tokens (numbers), expiresAt — the account's usage in that UTC month |
 * | ACCOUNT#<accountId>  | MINUTE#<apiKeyId>#<yyyy-mm-ddThh:mm> | requests (number), expiresAt — one key's requests leased in that UTC minute |
 * | HEALTH#<accountId>   | TARGET#<providerKeyName>/<model> | consecutiveFailures, errorRate, cooldownUntil?, circuitOpenUntil?, ttftMs?, sampledAt, updatedAt, expiresAt — a target's health as router containers last reported it (limits-health.ts) |
 * | OIDC#AUTHZ#<digest>  | OIDC            | data (map), expiresAt — a GitHub sign-in between /authorize and GitHub's callback |
 * | OIDC#CODE#<digest>   | OIDC            | data (map), expiresAt — an authorization code of the GitHub OIDC provider |
 *
 * The contract for the one writer (the router's limiter) and its readers (the admin listing, `GET /v1/me/plan`):
 * - `requests` counts requests admitted through any of the account's API keys in that month, `tokens` the prompt +
 *   completion tokens they reported; both are incremented with `ADD` (never SET), so concurrent writers add up.
 * - A missing item or attribute means 0.
 * - `expiresAt` (epoch seconds) is `monthCounterExpiresAt(month)`: RETENTION.monthlyCounterDaysAfterMonth after the
 *   month ends. Readers ignore an item whose `expiresAt` has passed (DynamoDB deletes it only eventually).
 *
 * A MINUTE item counts the requests containers have leased from the key's per-minute allowance (lambdas/limits/):
 * each lease is one `ADD requests` conditioned on the count staying within the limit, so it never passes it.
 * `expiresAt` is RETENTION.limitWindowSeconds after the minute ends; nothing reads a minute after it has ended.
 *
 * The GitHub OIDC provider's items (lambdas/store/limits-oidc.ts) are one-time: written once, then taken with a
 * conditional DeleteItem that only one reader can win, so a replayed state or code finds nothing. `<digest>` is the
 * SHA-256 of the state or code (base64url), never the value itself: reading the table does not let anyone redeem
 * one. They live minutes (`expiresAt`), and a taken item whose `expiresAt` has passed counts as missing.
 *
 * Target health items are written by the routers only (one UpdateItem per target whose breaker, cooldown, latency or
 * error rate changed materially, after a response, never per request) and read by them with one Query per account
 * at most every 10 s per container. Times are epoch ms; `cooldownUntil` and `circuitOpenUntil` are set only by the
 * container that changed them, so a report of a target that answered never erases another's open circuit. The
 * partition is not the account's own, so health reports never contend with its counters. They live
 * RETENTION.targetHealthSeconds after their last report, and readers ignore an expired one.
 */
export const ITEM = {
  targetHealth: (accountId: string, target: string) => ({ pk: `HEALTH#${accountId}`, sk: `TARGET#${target}` }),
  month: (accountId: string, month: string) => ({ pk: accountPk(accountId), sk: `MONTH#${month}` }),
  /** `minute`: minutes since the epoch (lambdas/limits/allowance.ts). */
  minute: (accountId: string, apiKeyId: string, minute: number) => ({
    pk: accountPk(accountId),
    sk: `MINUTE#${apiKeyId}#${new Date(minute * 60_000).toISOString().slice(0, 16)}`,
  }),
  oneTime: (kind: 'AUTHZ' | 'CODE', digest: string) => ({ pk: `OIDC#${kind}#${digest}`, sk: 'OIDC' }),
} as const;

/** `yyyy-mm` of the UTC month holding `at`. */
export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** When a month's counter item expires (epoch seconds). */
export function monthCounterExpiresAt(month: string): number {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const nextMonth = Date.UTC(year, mon, 1);
  return Math.floor(nextMonth / 1000) + RETENTION.monthlyCounterDaysAfterMonth * 86_400;
}

/** Reads this month's counter item. */
export function createMonthlyUsageReader(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): MonthlyUsageReader {
  const now = options.now ?? Date.now;
  const usageThisMonth = async (accountId: string) => {
    const at = now();
    const month = monthOf(at);
    const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.month(accountId, month), ProjectionExpression: 'requests, tokens, expiresAt' }));
    const { requests, tokens, expiresAt } = out.Item ?? {};
    if (typeof expiresAt === 'number' && expiresAt <= at / 1000) return { month, requests: 0, tokens: 0 };
    return { month, requests: typeof requests === 'number' ? requests : 0, tokens: typeof tokens === 'number' ? tokens : 0 };
  };
  return {
    usageThisMonth,
    requestsThisMonth: async (accountId) => (await usageThisMonth(accountId)).requests,
  };
}
