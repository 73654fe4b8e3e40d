import { jest } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../lambdas/handlers/usage-aggregator.js';
import { fromAttributeMap, type StreamAttributeValue } from '../../lambdas/store/attribute-values.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createRollupReader, createRollupWriter, ITEM } from '../../lambdas/store/usage-items.js';
import type { RollupReader } from '../../lambdas/usage/rollup-reader.js';
import { aggregateUsage, type RollupWriter, type StreamRecord } from '../../lambdas/usage/usage-aggregator.js';
import { createTestTables } from '../support/tables.js';
import { insertRecord, requestRecord, streamEvent } from '../support/stream-events.js';

jest.setTimeout(60_000);

const DAY = { granularity: 'day', from: '2026-11-26', to: '2026-11-26' } as const;

describe('usage aggregator (DynamoDB Local)', () => {
  let doc: ReturnType<typeof createDocumentClient>;
  let table: string;
  let reader: RollupReader;
  let writer: RollupWriter;

  beforeAll(async () => {
    const { endpoint, tables } = await createTestTables();
    table = tables.usage;
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    reader = createRollupReader(doc, table, { now: () => Date.parse('2026-11-27T00:00:00Z') });
    writer = createRollupWriter(doc, table);
  });
  afterAll(() => doc.destroy());

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
    const records: StreamRecord[] = [...batch('acc_ok', 3, 10), ...batch('acc_fail', 3, 13), ...batch('acc_ok', 3, 16)].map((r) => ({
      sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
      eventName: r.eventName,
      newImage: fromAttributeMap(r.dynamodb?.NewImage as Record<string, StreamAttributeValue>),
    }));
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
    const result = await aggregateUsage(
      [security, modify, removed, invalid].map((r) => ({
        sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
        eventName: r.eventName,
        newImage: fromAttributeMap(r.dynamodb?.NewImage as Record<string, StreamAttributeValue>),
      })),
      writer,
    );
    expect(result).toEqual({ counted: 0, skipped: 4, transactions: 0, writes: 0 });
    expect(await totals('acc_skip')).toEqual({});
  });

  it('bounds writes per batch, not per record: 200 records of one account and model are one transaction of 9 items', async () => {
    const records = Array.from({ length: 200 }, (_, i) => insertRecord(requestRecord({ accountId: 'acc_many', requestId: `r-${i}` }), 5000 + i));
    const result = await aggregateUsage(
      records.map((r) => ({
        sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
        eventName: r.eventName,
        newImage: fromAttributeMap(r.dynamodb?.NewImage as never),
      })),
      writer,
    );
    // hour and day × (all, model, provider, apiKey) + the watermark.
    expect(result).toMatchObject({ counted: 200, transactions: 1, writes: 9 });
    expect((await totals('acc_many')).requests).toBe(200);
  });
});
