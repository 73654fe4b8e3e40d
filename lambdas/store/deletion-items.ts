import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  DELETION_PHASES,
  DELETION_STATUSES,
  type DeletionPhase,
  type DeletionStatus,
  type DeletionStore,
  type DeletionView,
} from '../deletion/deletion-service.js';
import type { DeletionRecords, PartitionSweep, SweepBudget } from '../deletion/deletion-job.js';
import { ITEM as ACCOUNT_ITEM, API_KEY_PREFIX, accountPk, isConditionFailure } from './accounts-items.js';
import { LIVE_PROFILE } from './accounts-profiles.js';
import { ITEM as LEDGER_ITEM } from './ledger-items.js';
import { ITEM as LIMITS_ITEM } from './limits-items.js';
import { RETENTION, expiresAfterDays } from './retention.js';
import type { TableName } from './tables.js';

/**
 * Item design of an account deletion (lambdas/deletion/): the one place it is written down.
 *
 * | table    | pk                    | sk                | attributes                                                         |
 * |----------|-----------------------|-------------------|--------------------------------------------------------------------|
 * | limits   | ACCOUNT#<accountId>   | CONFIRM#DELETION  | hash (SHA-256 of the confirmation), expiresAt — one at a time, taken once |
 * | limits   | DELETION#<deletionId> | STATUS            | status, phase, step, deleted, requestedAt, completedAt?, scanFrom?, accountId (removed when done), expiresAt |
 * | accounts | ACCOUNT#<accountId>   | PROFILE           | status 'deleted', deletion { id, username, requestedAt } — the tombstone, deleted last |
 * | ledger   | ERASED#<deletionId>   | (the original sk) | a payment record of the deleted account (BILLING, TX#, METER#), moved here without any link to it |
 *
 * The status item is keyed by the deletion id (random, 128 bits) and holds nothing of the person: `accountId` only
 * while the job needs it to resume. It expires RETENTION.deletionStatusDays after the deletion ends.
 * The confirmation lives in the account's own limits partition, so the job's sweep of that partition removes an
 * unused one.
 */
export const ITEM = {
  confirmation: (accountId: string) => ({ pk: accountPk(accountId), sk: 'CONFIRM#DELETION' }),
  status: (deletionId: string) => ({ pk: `DELETION#${deletionId}`, sk: 'STATUS' }),
  erasedPk: (deletionId: string) => `ERASED#${deletionId}`,
} as const;

/** BatchWriteItem's most requests per call. */
const BATCH = 25;

export function createDeletionStore(
  db: DynamoDBDocumentClient,
  tables: Readonly<Record<TableName, string>>,
  options: { now?: () => number } = {},
): DeletionStore {
  const now = options.now ?? Date.now;
  return {
    async saveConfirmation(accountId, hash, expiresAt) {
      await db.send(new PutCommand({ TableName: tables.limits, Item: { ...ITEM.confirmation(accountId), hash, expiresAt } }));
    },

    async takeConfirmation(accountId, hash, nowSeconds) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tables.limits,
            Key: ITEM.confirmation(accountId),
            ConditionExpression: '#hash = :hash AND expiresAt > :now',
            ExpressionAttributeNames: { '#hash': 'hash' },
            ExpressionAttributeValues: { ':hash': hash, ':now': nowSeconds },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async tombstone(accountId, { deletionId, username, requestedAt }) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tables.accounts,
                  Key: ACCOUNT_ITEM.profile(accountId),
                  UpdateExpression: 'SET #status = :deleted, deletion = :deletion',
                  ConditionExpression: LIVE_PROFILE.condition,
                  ExpressionAttributeNames: LIVE_PROFILE.names,
                  ExpressionAttributeValues: { ...LIVE_PROFILE.values, ':deletion': { id: deletionId, username, requestedAt } },
                },
              },
              {
                Put: {
                  TableName: tables.limits,
                  Item: {
                    ...ITEM.status(deletionId),
                    accountId,
                    status: 'pending' satisfies DeletionStatus,
                    phase: DELETION_PHASES[0],
                    step: 1,
                    deleted: 0,
                    requestedAt,
                    expiresAt: expiresAfterDays(RETENTION.deletionStatusDays, now()),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return deletionId;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Deleted meanwhile by a concurrent request: its id stands.
        const standing = await this.deletionIdOf(accountId);
        if (standing === undefined) throw err;
        return standing;
      }
    },

    async deletionIdOf(accountId) {
      const out = await db.send(
        new GetCommand({
          TableName: tables.accounts,
          Key: ACCOUNT_ITEM.profile(accountId),
          ConsistentRead: true,
          ProjectionExpression: '#status, deletion',
          ExpressionAttributeNames: { '#status': 'status' },
        }),
      );
      const id = (out.Item?.deletion as { id?: unknown } | undefined)?.id;
      return out.Item?.status === 'deleted' && typeof id === 'string' ? id : undefined;
    },

    async view(deletionId) {
      const out = await db.send(new GetCommand({ TableName: tables.limits, Key: ITEM.status(deletionId) }));
      const item = out.Item;
      if (!item || (typeof item.expiresAt === 'number' && item.expiresAt <= now() / 1000)) return undefined;
      return viewOf(deletionId, item);
    },
  };
}

function viewOf(deletionId: string, item: Record<string, unknown>): DeletionView {
  const phase = DELETION_PHASES.includes(item.phase as DeletionPhase) ? (item.phase as DeletionPhase) : DELETION_PHASES[0];
  return {
    id: deletionId,
    status: DELETION_STATUSES.includes(item.status as DeletionStatus) ? (item.status as DeletionStatus) : 'pending',
    progress: { phase, step: DELETION_PHASES.indexOf(phase) + 1, steps: DELETION_PHASES.length, deleted: typeof item.deleted === 'number' ? item.deleted : 0 },
    requestedAt: String(item.requestedAt),
    ...(typeof item.completedAt === 'string' ? { completedAt: item.completedAt } : {}),
  };
}

type Key = { pk: string; sk: string };

/**
 * The job's reads and writes (lambdas/deletion/deletion-job.ts), page by page. Every step deletes what is still
 * there, so a step that runs again after a crash finds less and ends the same way.
 */
export function createDeletionRecords(
  db: DynamoDBDocumentClient,
  tables: Readonly<Record<TableName, string>>,
  options: { now?: () => number } = {},
): DeletionRecords {
  const now = options.now ?? Date.now;

  /** Deletes `keys` from `table` in batches, within the budget; unprocessed requests are sent again. */
  async function deleteKeys(table: string, keys: readonly Key[], budget: SweepBudget): Promise<number> {
    for (let i = 0; i < keys.length; i += BATCH) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + BATCH).map((Key) => ({ DeleteRequest: { Key } }));
      budget.spend(pending.length);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
        if (attempt > 10) throw new Error('BatchWriteItem kept leaving deletes unprocessed');
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
      }
    }
    return keys.length;
  }

  /** One page of a partition's items (keys and the attributes asked for). */
  async function page(table: string, pk: string, attributes: readonly string[] = []): Promise<Record<string, unknown>[]> {
    const names = Object.fromEntries(['pk', 'sk', ...attributes].map((a, i) => [`#a${i}`, a]));
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#a0 = :pk',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: Object.keys(names).join(', '),
        ConsistentRead: true,
        Limit: 100,
      }),
    );
    return out.Items ?? [];
  }

  const sweep: PartitionSweep = async (table, pk, budget, keep = () => false) => {
    const items = (await page(tables[table], pk)).filter((item) => !keep(item.sk as string));
    return deleteKeys(tables[table], items.map(keyOf), budget);
  };

  return {
    sweep,

    async job(deletionId) {
      const out = await db.send(new GetCommand({ TableName: tables.limits, Key: ITEM.status(deletionId), ConsistentRead: true }));
      const item = out.Item;
      if (!item) return undefined;
      return {
        status: item.status as DeletionStatus,
        phase: item.phase as DeletionPhase,
        ...(typeof item.accountId === 'string' ? { accountId: item.accountId } : {}),
        ...(item.scanFrom ? { scanFrom: item.scanFrom as Record<string, unknown> } : {}),
      };
    },

    async progress(deletionId, change) {
      const sets = ['#status = :running', 'updatedAt = :at'];
      const values: Record<string, unknown> = { ':running': 'running', ':at': new Date(now()).toISOString(), ':n': change.deleted ?? 0 };
      if (change.phase) {
        sets.push('phase = :phase', 'step = :step');
        values[':phase'] = change.phase;
        values[':step'] = DELETION_PHASES.indexOf(change.phase) + 1;
      }
      if (change.scanFrom) {
        sets.push('scanFrom = :from');
        values[':from'] = change.scanFrom;
      }
      await db.send(
        new UpdateCommand({
          TableName: tables.limits,
          Key: ITEM.status(deletionId),
          UpdateExpression: `SET ${sets.join(', ')} ADD deleted :n${change.scanFrom === null ? ' REMOVE scanFrom' : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND #status <> :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':done': 'done' },
        }),
      );
    },

    async finish(deletionId) {
      const at = now();
      await db.send(
        new UpdateCommand({
          TableName: tables.limits,
          Key: ITEM.status(deletionId),
          // The account id goes: from now on the item says how a deletion ended, and of whom nothing.
          UpdateExpression: 'SET #status = :done, completedAt = :at, updatedAt = :at, expiresAt = :expiresAt REMOVE accountId, scanFrom',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':at': new Date(at).toISOString(), ':expiresAt': expiresAfterDays(RETENTION.deletionStatusDays, at) },
        }),
      );
    },

    async billingRefs({ accountId, deletionId }) {
      // Once moved, the account's BILLING item is found under the erased partition.
      for (const key of [LEDGER_ITEM.billing(accountId), { pk: ITEM.erasedPk(deletionId), sk: 'BILLING' }]) {
        const out = await db.send(new GetCommand({ TableName: tables.ledger, Key: key, ConsistentRead: true }));
        if (out.Item) {
          const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
          return { customerId: text(out.Item.customerId), subscriptionId: text(out.Item.subscriptionId) };
        }
      }
      return {};
    },

    async dissociateLedgerPage({ accountId, deletionId }, budget) {
      const items = await db
        .send(
          new QueryCommand({
            TableName: tables.ledger,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': accountPk(accountId) },
            ConsistentRead: true,
            Limit: BATCH,
          }),
        )
        .then((out) => out.Items ?? []);
      // Payment records move to a partition named by the deletion, without the account; the sync's bookkeeping goes.
      const kept = items.filter((item) => !String(item.sk).startsWith('SYNC#'));
      budget.spend(kept.length);
      await Promise.all(
        kept.map(({ pk: _pk, ...item }) => db.send(new PutCommand({ TableName: tables.ledger, Item: { ...item, pk: ITEM.erasedPk(deletionId) } }))),
      );
      return deleteKeys(tables.ledger, items.map(keyOf), budget);
    },

    async unlinkLedger({ accountId }, customerId, budget) {
      const keys: Key[] = [LEDGER_ITEM.billed(accountId), ...(customerId ? [LEDGER_ITEM.customer(customerId)] : [])];
      return deleteKeys(tables.ledger, keys, budget);
    },

    async unlinkLedgerEventsPage({ accountId }, from, budget) {
      // Webhook events name the account they applied to, keyed by Stripe's event id: only a scan finds them.
      const out = await db.send(
        new ScanCommand({
          TableName: tables.ledger,
          FilterExpression: 'accountId = :id',
          ExpressionAttributeValues: { ':id': accountId },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: from,
          Limit: 500,
        }),
      );
      const found = out.Items ?? [];
      budget.spend(found.length);
      await Promise.all(
        found.map((item) =>
          db
            .send(
              new UpdateCommand({
                TableName: tables.ledger,
                Key: keyOf(item),
                UpdateExpression: 'REMOVE accountId',
                ConditionExpression: 'attribute_exists(pk)',
              }),
            )
            .catch((err: unknown) => {
              if (!isConditionFailure(err)) throw err;
            }),
        ),
      );
      return { changed: found.length, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
    },

    async accountsPage({ accountId }, budget) {
      const items = (await page(tables.accounts, accountPk(accountId), ['keyHash'])).filter((item) => item.sk !== 'PROFILE');
      // A key's hash lookup goes before the key itself, so a crash between them leaves the key to find the lookup by.
      const lookups = items.flatMap((item) =>
        String(item.sk).startsWith(API_KEY_PREFIX) && typeof item.keyHash === 'string' ? [ACCOUNT_ITEM.apiKeyLookup(item.keyHash)] : [],
      );
      const gone = await deleteKeys(tables.accounts, lookups, budget);
      return gone + (await deleteKeys(tables.accounts, items.map(keyOf), budget));
    },

    async identity({ accountId }) {
      const out = await db.send(new GetCommand({ TableName: tables.accounts, Key: ACCOUNT_ITEM.profile(accountId), ConsistentRead: true }));
      const item = out.Item;
      if (!item) return undefined;
      const username = (item.deletion as { username?: unknown } | undefined)?.username;
      return { sub: String(item.sub), username: typeof username === 'string' ? username : String(item.sub) };
    },

    async removeIdentity({ accountId }, sub, budget) {
      // USER# first: while the PROFILE stands, a resumed job still knows whom to remove.
      const gone = await deleteKeys(tables.accounts, [ACCOUNT_ITEM.user(sub)], budget);
      return gone + (await deleteKeys(tables.accounts, [ACCOUNT_ITEM.profile(accountId)], budget));
    },

    partitions: ({ accountId }) => ({
      limits: [accountPk(accountId), LIMITS_ITEM.targetHealth(accountId, '').pk],
      activity: [accountPk(accountId)],
      usage: [accountPk(accountId)],
    }),
  };
}

function keyOf(item: Record<string, unknown>): Key {
  return { pk: String(item.pk), sk: String(item.sk) };
}
