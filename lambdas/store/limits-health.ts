import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SharedHealthStore } from '../gateway/ports.js';
import { splitTargetKey, targetKey } from '../routing/decision.js';
import type { SharedTargetHealth, TargetHealthReport } from '../routing/target-health.js';
import { ITEM } from './limits-items.js';
import { RETENTION } from './retention.js';

const TARGET_PREFIX = 'TARGET#';

/** Target health shared by the router containers, on the `limits` table (item design: limits-items.ts). */
export function createSharedHealthStore(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): SharedHealthStore {
  const now = options.now ?? Date.now;
  return {
    async read(accountId) {
      const { pk } = ITEM.targetHealth(accountId, '');
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :target)',
          // DynamoDB deletes expired items only eventually, so reads drop them.
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':pk': pk, ':target': TARGET_PREFIX, ':now': Math.floor(now() / 1000) },
        }),
      );
      return (out.Items ?? []).map((item) => sharedHealthOf(accountId, item));
    },

    async write(reports) {
      await Promise.all(reports.map((report) => db.send(updateOf(table, report, now()))));
    },
  };
}

function updateOf(table: string, report: TargetHealthReport, at: number): UpdateCommand {
  const { accountId, target } = splitTargetKey(report.key);
  const values: Record<string, number> = {
    ':failures': report.consecutiveFailures,
    ':errorRate': report.errorRate,
    ':sampledAt': report.sampledAt,
    ':updatedAt': at,
    ':expiresAt': Math.floor(at / 1000) + RETENTION.targetHealthSeconds,
  };
  const sets = ['consecutiveFailures = :failures', 'errorRate = :errorRate', 'sampledAt = :sampledAt', 'updatedAt = :updatedAt', 'expiresAt = :expiresAt'];
  // Only what the reporting container changed itself: the rest stays as other containers reported it.
  for (const field of ['ttftMs', 'cooldownUntil', 'circuitOpenUntil'] as const) {
    const value = report[field];
    if (value === undefined) continue;
    sets.push(`${field} = :${field}`);
    values[`:${field}`] = value;
  }
  return new UpdateCommand({
    TableName: table,
    Key: ITEM.targetHealth(accountId, target),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeValues: values,
  });
}

function sharedHealthOf(accountId: string, item: Record<string, unknown>): SharedTargetHealth {
  const num = (name: string): number => (typeof item[name] === 'number' ? (item[name] as number) : 0);
  const [providerKeyName = '', ...model] = String(item.sk).slice(TARGET_PREFIX.length).split('/');
  return {
    key: targetKey(accountId, { providerKeyName, model: model.join('/') }),
    consecutiveFailures: num('consecutiveFailures'),
    errorRate: num('errorRate'),
    cooldownUntil: num('cooldownUntil'),
    circuitOpenUntil: num('circuitOpenUntil'),
    ...(typeof item.ttftMs === 'number' ? { ttftMs: item.ttftMs } : {}),
    sampledAt: num('sampledAt'),
  };
}
