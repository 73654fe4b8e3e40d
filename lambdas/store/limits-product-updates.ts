import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PRODUCT_UPDATE_LIMITS, PRODUCT_UPDATE_STATUSES, type ProductUpdate, type ProductUpdateStore } from '../notices/product-updates.js';
import { dayCountStep, transact } from './accounts-items.js';
import { RETENTION, expiresAfterDays } from './retention.js';

/**
 * Item design of admins' product updates in the `limits` table (lambdas/notices/product-updates.ts):
 *
 * | pk                        | sk                | attributes                                                              |
 * |---------------------------|-------------------|-------------------------------------------------------------------------|
 * | PRODUCTUPDATE#<updateId>  | UPDATE            | headline, text, status (queued, running, done), sent, skipped, failed, createdAt, updatedAt, expiresAt |
 * | PRODUCTUPDATES            | DAY#<yyyy-mm-dd>  | count, expiresAt — updates announced that UTC day                       |
 *
 * The headline and text wait here for the job rather than in the event, whose detail holds ids only (it passes through
 * a dead-letter queue and log lines). They are the operator's announcement, written for every opted-in user to read,
 * not any user's content; still nothing logs them. The item lives RETENTION.productUpdateDays, long enough for the
 * job's retries and for an admin to read back how it went. Creating one writes the item and the day's count in one
 * transaction, the count only below the limit, so concurrent requests cannot pass it together.
 */
export const ITEM = {
  update: (updateId: string) => ({ pk: `PRODUCTUPDATE#${updateId}`, sk: 'UPDATE' }),
  day: (day: string) => ({ pk: 'PRODUCTUPDATES', sk: `DAY#${day}` }),
} as const;

export function createProductUpdateStore(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): ProductUpdateStore {
  const now = options.now ?? Date.now;
  return {
    async create(updateId, { headline, text }) {
      const at = now();
      const iso = new Date(at).toISOString();
      const failed = await transact(db, [
        dayCountStep(table, ITEM.day(iso.slice(0, 10)), PRODUCT_UPDATE_LIMITS.perDay, at),
        {
          Put: {
            TableName: table,
            Item: {
              ...ITEM.update(updateId),
              headline,
              text,
              status: 'queued',
              sent: 0,
              skipped: 0,
              failed: 0,
              createdAt: iso,
              updatedAt: iso,
              expiresAt: expiresAfterDays(RETENTION.productUpdateDays, at),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      if (!failed) return undefined;
      if (failed.includes(0)) return 'daily_limit';
      throw new Error('A product update with this id already exists');
    },

    async get(updateId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.update(updateId), ConsistentRead: true }));
      const item = out.Item;
      if (!item || (typeof item.expiresAt === 'number' && item.expiresAt <= now() / 1000)) return undefined;
      const status = PRODUCT_UPDATE_STATUSES.find((s) => s === item.status) ?? 'queued';
      const update: ProductUpdate = {
        updateId,
        headline: String(item.headline),
        text: String(item.text),
        status,
        sent: Number(item.sent ?? 0),
        skipped: Number(item.skipped ?? 0),
        failed: Number(item.failed ?? 0),
        createdAt: String(item.createdAt),
      };
      return update;
    },

    async setProgress(updateId, { status, sent, skipped, failed }) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: ITEM.update(updateId),
          UpdateExpression: 'SET #status = :status, sent = :sent, skipped = :skipped, failed = :failed, updatedAt = :at',
          // A removed (or expired and deleted) update stays gone.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':sent': sent, ':skipped': skipped, ':failed': failed, ':at': new Date(now()).toISOString() },
        }),
      );
    },

    async remove(updateId) {
      await db.send(new DeleteCommand({ TableName: table, Key: ITEM.update(updateId) }));
    },
  };
}
