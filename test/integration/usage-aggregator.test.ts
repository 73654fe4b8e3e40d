import { jest } from '@jest/globals';
import type { DynamoDBRecord } from 'aws-lambda';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../lambdas/handlers/usage-aggregator.js';
import { ITEM as ACCOUNT_ITEM } from '../../lambdas/store/accounts-items.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { fromAttributeMap, type StreamAttributeValue } from '../../lambdas/store/attribute-values.js';
import { createDeletionStore } from '../../lambdas/store/deletion-items.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createRollupReader, createRollupWriter, ITEM } from '../../lambdas/store/usage-items.js';
import type { RollupReader } from '../../lambdas/usage/rollup-reader.js';
import { aggregateUsage, MAX_ROLLUPS_PER_CHANGE, normalisedSequence, type RollupWriter, type StreamRecord } from '../../lambdas/usage/usage-aggregator.js';
import { createTestTables } from '../support/tables.js';
import { insertRecord, requestRecord, streamEvent } from '../support/stream-events.js';

jest.setTimeout(60_000);

const DAY = { granularity: 'day', from: '2026-11-26', to: '2026-11-26' } as const;

describe('usage aggregator (DynamoDB Local)', () => {
  let doc: ReturnType<typeof createDocumentClient>;
  let tables: Awaited<ReturnType<typeof createTestTables>>['tables'];
  let table: string;
  let reader: RollupReader;
  let writer: RollupWriter;

  beforeAll(async () => {
    let endpoint: string;
    ({ endpoint, tables } = await createTestTables());
    table = tables.usage;
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    reader = createRollupReader(doc, table, { now: () => Date.parse('2026-11-27T00:00:00Z') });
    writer = createRollupWriter(doc, tables);
    // Every account the router writes records for has a profile (the aggregator writes nothing for any other, P20).
    for (const id of ['acc_count', 'acc_ttl', 'acc_replay', 'acc_bisect', 'acc_len', 'acc_ok', 'acc_fail', 'acc_skip', 'acc_many', 'acc_wide']) {
      await createAccount(id);
    }
  });
  afterAll(() => doc.destroy());

  function createAccount(accountId: string): Promise<boolean> {
    return createAccountRepository(doc, tables.accounts).createAccount(`sub-${accountId}`, accountId, new Date().toISOString());
  }

  /** Every item of the account's usage partition: rollups and the watermark. */
  async function usageItems(accountId: string): Promise<Record<string, unknown>[]> {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}` },
        ConsistentRead: true,
      }),
    );
    return out.Items ?? [];
  }

  /** Lambda's stream records as the aggregator takes them. */
  function streamRecords(records: readonly DynamoDBRecord[]): StreamRecord[] {
    return records.map((r) => ({
      sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
      eventName: r.eventName,
      newImage: fromAttributeMap(r.dynamodb?.NewImage as Record<string, StreamAttributeValue>),
    }));
  }

  async function totals(accountId: string, granularity: 'hour' | 'day' = 'day'): Promise<Record<string, number>> {
    const range = granularity === 'day' ? DAY : { granularity, from: '2026-11-26T00', to: '2026-11-26T23' };
    const { rollups } = await reader.read(accountId, { ...range, dimension: 'all' });
    const sum: Record<string, number> = {};
    for (const r of rollups) for (const [name, n] of r.counters) sum[name] = (sum[name] ?? 0) + n;
    return sum;
  }

  /** Records of one account with ascending sequence numbers starting at `first`. */
  function batch(accountId: string, count: number, first: number) {
    return Array.from({ length: count }, (_, i) =>
      insertRecord(
        requestRecord({
          accountId,
          requestId: `req-${first + i}`,
          model: i % 2 === 0 ? 'gpt-4o-mini' : 'gpt-4o',
          latencyMs: 100 * (i + 1),
          ...(i === 0 ? { status: 502, errorType: 'upstream_error' as const } : {}),
        }),
        first + i,
      ),
    );
  }

  it('counts a batch into hour and day rollups per dimension, in one transaction for the account', async () => {
    const result = await handler(streamEvent(batch('acc_count', 10, 1000)));
    expect(result.batchItemFailures).toEqual([]);
    const day = await totals('acc_count');
    expect(day).toMatchObject({ requests: 10, errors: 1, e_upstream_error: 1, promptTokens: 1000, completionTokens: 200, costMicros: 270 });
    expect(await totals('acc_count', 'hour')).toEqual(day);
    const models = await reader.read('acc_count', { ...DAY, dimension: 'model' });
    expect(Object.fromEntries(models.rollups.map((r) => [r.value, r.counters.get('requests')]))).toEqual({ 'openai:gpt-4o-mini': 5, 'openai:gpt-4o': 5 });
    // The latency histogram holds one count per request.
    const buckets = [...Object.entries(day)].filter(([name]) => /^l\d+$/.test(name)).reduce((n, [, c]) => n + c, 0);
    expect(buckets).toBe(10);
  });

  it('P10: a rollup expires 24 months (730 days) after its period ends', async () => {
    await handler(streamEvent(batch('acc_ttl', 1, 1)));
    const { Item } = await doc.send(
      new GetCommand({ TableName: table, Key: ITEM.rollup('acc_ttl', { granularity: 'day', dimension: 'all', period: '2026-11-26', value: '-' }) }),
    );
    expect(Item?.expiresAt).toBe(Date.parse('2026-11-27T00:00:00Z') / 1000 + 730 * 86_400);
  });

  it('a batch delivered again (a retry) counts nothing twice', async () => {
    const records = batch('acc_replay', 8, 500);
    await handler(streamEvent(records));
    const once = await totals('acc_replay');
    const again = await handler(streamEvent(records));
    expect(again.batchItemFailures).toEqual([]);
    expect(await totals('acc_replay')).toEqual(once);
    expect(once.requests).toBe(8);
  });

  it('bisected halves of a batch already counted, and a batch after its own first half, count each record once', async () => {
    const records = batch('acc_bisect', 8, 90);
    // Sequence numbers 90..97: both halves and the whole after the first half (lengths of sequence numbers differ too).
    await handler(streamEvent(records.slice(0, 4)));
    await handler(streamEvent(records));
    await handler(streamEvent(records.slice(4)));
    await handler(streamEvent(records.slice(0, 4)));
    expect((await totals('acc_bisect')).requests).toBe(8);
  });

  it('orders sequence numbers by value, not by their text (99 before 100)', async () => {
    await handler(streamEvent(batch('acc_len', 2, 98)));
    await handler(streamEvent(batch('acc_len', 4, 98)));
    expect((await totals('acc_len')).requests).toBe(4);
  });

  it('answers the first record not counted when a write fails, and the retry from there counts the rest once', async () => {
    const records = streamRecords([...batch('acc_ok', 3, 10), ...batch('acc_fail', 3, 13), ...batch('acc_ok', 3, 16)]);
    const failing: RollupWriter = {
      watermarks: (ids) => writer.watermarks(ids),
      apply: async (change) => {
        if (change.accountId === 'acc_fail') throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        return writer.apply(change);
      },
    };
    const first = await aggregateUsage(records, failing);
    expect(first.failedAt).toBe('13');
    expect(first.counted).toBe(6);
    // Lambda retries from the reported record: acc_ok's later records come again and are skipped.
    const retry = await aggregateUsage(
      records.filter((r) => Number(r.sequenceNumber) >= 13),
      writer,
    );
    expect(retry).toMatchObject({ counted: 3, skipped: 3 });
    expect((await totals('acc_ok')).requests).toBe(6);
    expect((await totals('acc_fail')).requests).toBe(3);
  });

  it('leaves out what is not a request record: security events, updates, TTL deletions, records that fail the schema', async () => {
    const security = insertRecord({ kind: 'security', accountId: 'acc_skip', startedAt: 'x', requestId: 'x', count: 1 }, 1);
    const modify = { ...insertRecord(requestRecord({ accountId: 'acc_skip' }), 2), eventName: 'MODIFY' as const };
    const removed = { ...insertRecord(requestRecord({ accountId: 'acc_skip' }), 3), eventName: 'REMOVE' as const };
    const invalid = insertRecord({ ...requestRecord({ accountId: 'acc_skip' }), prompt: 'free text' }, 4);
    const result = await aggregateUsage(streamRecords([security, modify, removed, invalid]), writer);
    expect(result).toEqual({ counted: 0, skipped: 4, transactions: 0, writes: 0 });
    expect(await totals('acc_skip')).toEqual({});
  });

  it('bounds writes per batch, not per record: 200 records of one account and model are one transaction of 9 items', async () => {
    const records = Array.from({ length: 200 }, (_, i) => insertRecord(requestRecord({ accountId: 'acc_many', requestId: `r-${i}` }), 5000 + i));
    const result = await aggregateUsage(streamRecords(records), writer);
    // hour and day × (all, model, provider, apiKey) + the watermark.
    expect(result).toMatchObject({ counted: 200, transactions: 1, writes: 9 });
    expect((await totals('acc_many')).requests).toBe(200);
  });

  it("cuts an account's changes where a transaction would pass 100 items: the watermark, the profile check and the rollups", async () => {
    // 60 models in one hour: hour and day × (all, provider, apiKey) shared, and hour and day × model for each.
    const records = Array.from({ length: 60 }, (_, i) =>
      insertRecord(requestRecord({ accountId: 'acc_wide', requestId: `w-${i}`, model: `m-${i}` }), 7000 + i),
    );
    const result = await aggregateUsage(streamRecords(records), writer);
    expect(result.failedAt).toBeUndefined();
    expect(result).toMatchObject({ counted: 60, transactions: 2 });
    // The first transaction is full (46 models: 6 shared rollups and 2 per model, the watermark, the profile's check),
    // so DynamoDB accepted 100 items; the second carries the other 14 models and the shared rollups again.
    expect(MAX_ROLLUPS_PER_CHANGE + 2).toBe(100);
    expect(result.writes).toBe(MAX_ROLLUPS_PER_CHANGE + 1 + (6 + 2 * 14 + 1));
    expect((await totals('acc_wide')).requests).toBe(60);
  });

  describe('P20: nothing is written for a deleted account', () => {
    const deletions = () => createDeletionStore(doc, tables);
    const tombstone = (accountId: string) =>
      deletions().tombstone(accountId, { deletionId: `del_${accountId}`, username: `user-${accountId}`, requestedAt: new Date().toISOString() });

    it('P20: records of a tombstoned account write no rollup and no watermark; the other accounts of the batch are counted', async () => {
      await createAccount('acc_gone');
      await createAccount('acc_live');
      await tombstone('acc_gone');
      const records = [...batch('acc_gone', 3, 100), ...batch('acc_live', 3, 103), ...batch('acc_gone', 2, 106)];
      const result = await aggregateUsage(streamRecords(records), writer);
      expect(result.failedAt).toBeUndefined();
      expect(result).toMatchObject({ counted: 3, skipped: 5, transactions: 1 });
      expect(await usageItems('acc_gone')).toEqual([]);
      expect((await totals('acc_live')).requests).toBe(3);
      // Delivered again (Lambda's retry of the whole batch): no failure to retry for ever, nothing counted twice.
      const again = await handler(streamEvent(records));
      expect(again.batchItemFailures).toEqual([]);
      expect(await usageItems('acc_gone')).toEqual([]);
      expect((await totals('acc_live')).requests).toBe(3);
    });

    it('P20: records that arrive after the deletion job removed the usage and the profile write nothing again', async () => {
      await createAccount('acc_erased');
      const early = batch('acc_erased', 2, 200);
      await handler(streamEvent(early));
      expect((await totals('acc_erased')).requests).toBe(2);
      await tombstone('acc_erased');
      // What the job's usage and sign-in steps leave: no usage item, no profile.
      for (const item of await usageItems('acc_erased')) await doc.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
      await doc.send(new DeleteCommand({ TableName: tables.accounts, Key: ACCOUNT_ITEM.profile('acc_erased') }));
      const late = batch('acc_erased', 3, 202);
      const result = await handler(streamEvent([...early, ...late]));
      expect(result.batchItemFailures).toEqual([]);
      expect(await usageItems('acc_erased')).toEqual([]);
    });

    it("P20: a deleted account's refusal is told apart from a stale watermark, which is retried", async () => {
      await createAccount('acc_stale');
      await createAccount('acc_stale_gone');
      await tombstone('acc_stale_gone');
      const deltas = [{ key: { granularity: 'day', dimension: 'all', period: '2026-11-26', value: '-' } as const, counters: new Map([['requests', 1]]) }];
      const moved = normalisedSequence('9');
      expect(await writer.apply({ accountId: 'acc_stale', after: moved, through: moved, deltas })).toBe('stale');
      expect(await writer.apply({ accountId: 'acc_stale_gone', through: moved, deltas })).toBe('gone');
      // Both conditions fail: the deletion wins, since a retry could never succeed.
      expect(await writer.apply({ accountId: 'acc_stale_gone', after: moved, through: moved, deltas })).toBe('gone');
      expect(await usageItems('acc_stale')).toEqual([]);
      expect(await usageItems('acc_stale_gone')).toEqual([]);
      // In a batch, the stale one is answered as the record to retry from; the deleted one is not.
      const stale: RollupWriter = { watermarks: (ids) => writer.watermarks(ids), apply: async () => 'stale' };
      expect((await aggregateUsage(streamRecords(batch('acc_stale', 2, 300)), stale)).failedAt).toBe('300');
      expect(await aggregateUsage(streamRecords(batch('acc_stale_gone', 2, 302)), writer)).toEqual({ counted: 0, skipped: 2, transactions: 0, writes: 0 });
    });

    it('P20: an account that never had a profile gets no rollups (the check is strict: the profile must exist)', async () => {
      const result = await aggregateUsage(streamRecords(batch('acc_unknown', 2, 400)), writer);
      expect(result).toEqual({ counted: 0, skipped: 2, transactions: 0, writes: 0 });
      expect(await usageItems('acc_unknown')).toEqual([]);
    });
  });
});
