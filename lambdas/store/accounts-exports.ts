import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EXPORT_LIMITS, type ExportRefusal, type ExportState, type ExportStatusStore } from '../export/ports.js';
import { accountPk, dayCountStep, isConditionFailure, transact } from './accounts-items.js';
import { RETENTION, expiresAfterDays } from './retention.js';

/**
 * Export bookkeeping in the account's partition of the `accounts` table, so deleting the account removes it. These
 * are the only items there with a TTL: each lives as long as the file it describes (RETENTION.exportDays).
 *
 * | pk                  | sk                     | attributes                                                        |
 * |---------------------|------------------------|-------------------------------------------------------------------|
 * | ACCOUNT#<accountId> | EXPORT#<exportId>      | exportId, status (queued, running, ready, failed), progress (0–100), sizeBytes?, createdAt, updatedAt, staleAt, expiresAt |
 * | ACCOUNT#<accountId> | EXPORTLOCK             | exportId, staleAt, expiresAt — the one export in flight; deleted when it ends |
 * | ACCOUNT#<accountId> | EXPORTDAY#<yyyy-mm-dd> | count, expiresAt — exports requested that UTC day                  |
 *
 * A request writes all three in one transaction: the lock only where none is held (or the one held went stale), the
 * day's count only below the limit. Two concurrent requests cannot both pass either condition. `staleAt` bounds how
 * long a job may hold the lock: past it (the job died beyond its retries) the lock no longer counts and the export
 * reads as failed.
 */
const EXPORT_PREFIX = 'EXPORT#';
const LOCK_SK = 'EXPORTLOCK';
const DAY_PREFIX = 'EXPORTDAY#';

export function createExportStatusStore(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): ExportStatusStore {
  const now = options.now ?? Date.now;
  const key = (accountId: string, sk: string) => ({ pk: accountPk(accountId), sk });
  const statusKey = (accountId: string, exportId: string) => key(accountId, `${EXPORT_PREFIX}${exportId}`);

  return {
    async start(accountId, exportId): Promise<ExportRefusal | undefined> {
      const at = now();
      const iso = new Date(at).toISOString();
      const expiresAt = expiresAfterDays(RETENTION.exportDays, at);
      const staleAt = Math.floor(at / 1000) + EXPORT_LIMITS.staleAfterSeconds;
      const failed = await transact(db, [
        dayCountStep(table, key(accountId, `${DAY_PREFIX}${iso.slice(0, 10)}`), EXPORT_LIMITS.perDay, at),
        {
          Put: {
            TableName: table,
            Item: { ...key(accountId, LOCK_SK), exportId, staleAt, expiresAt },
            ConditionExpression: 'attribute_not_exists(pk) OR staleAt < :now',
            ExpressionAttributeValues: { ':now': Math.floor(at / 1000) },
          },
        },
        {
          Put: {
            TableName: table,
            Item: { ...statusKey(accountId, exportId), exportId, status: 'queued', progress: 0, createdAt: iso, updatedAt: iso, staleAt, expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      if (!failed) return undefined;
      if (failed.includes(1)) return 'export_in_progress';
      if (failed.includes(0)) return 'export_daily_limit';
      throw new Error('An export with this id already exists');
    },

    async get(accountId, exportId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: statusKey(accountId, exportId), ConsistentRead: true }));
      const item = out.Item;
      if (!item || (typeof item.expiresAt === 'number' && item.expiresAt <= now() / 1000)) return undefined;
      const state: ExportState = {
        exportId,
        status: item.status as ExportState['status'],
        progress: Number(item.progress ?? 0),
        ...(typeof item.sizeBytes === 'number' ? { sizeBytes: item.sizeBytes } : {}),
        createdAt: String(item.createdAt),
      };
      // A job that died past its retries never wrote its end: it has failed.
      const unfinished = state.status === 'queued' || state.status === 'running';
      return unfinished && Number(item.staleAt) < now() / 1000 ? { ...state, status: 'failed' } : state;
    },

    async update(accountId, exportId, change) {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = {
        ':status': change.status,
        ':progress': change.progress,
        ':at': new Date(now()).toISOString(),
        ':ready': 'ready',
      };
      let expression = 'SET #status = :status, progress = :progress, updatedAt = :at';
      if (change.sizeBytes !== undefined) {
        expression += ', sizeBytes = :size';
        values[':size'] = change.sizeBytes;
      }
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: statusKey(accountId, exportId),
            UpdateExpression: expression,
            // A finished export stays finished (a retried event must not turn it back), and a removed one stays gone.
            ConditionExpression: 'attribute_exists(pk) AND #status <> :ready',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async release(accountId, exportId) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: table,
            Key: key(accountId, LOCK_SK),
            // Only this export's lock: another may hold it by now, if this one went stale.
            ConditionExpression: 'exportId = :id',
            ExpressionAttributeValues: { ':id': exportId },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },
  };
}
