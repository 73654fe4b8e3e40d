import { jest } from '@jest/globals';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { handler } from '../../lambdas/handlers/usage-aggregator.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createActivityRepo } from '../../lambdas/store/activity-repo.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createRollupReader } from '../../lambdas/store/usage-items.js';
import { startStreamReader, type StreamReader } from '../../lib/local/stream-reader.js';
import { createTestTables } from '../support/tables.js';

jest.setTimeout(60_000);

const STARTED = '2026-11-26T04:10:00.000Z';

/** Polls `read` until `done` holds or the deadline passes; returns the last value. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('local stream reader (DynamoDB Local streams → the aggregator handler)', () => {
  let endpoint: string;
  let tables: Awaited<ReturnType<typeof createTestTables>>['tables'];
  let doc: ReturnType<typeof createDocumentClient>;
  let reader: StreamReader | undefined;

  beforeAll(async () => {
    ({ endpoint, tables } = await createTestTables());
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    // The aggregator counts only accounts that exist (P20).
    await createAccountRepository(doc, tables.accounts).createAccount('sub-stream', 'acc_stream', STARTED);
  });
  afterEach(async () => reader?.stop());
  afterAll(() => doc.destroy());

  const record = (requestId: string) => ({
    accountId: 'acc_stream',
    requestId,
    apiKeyId: 'ak_1',
    startedAt: STARTED,
    latencyMs: 250,
    status: 200,
    stream: false,
    provider: 'openai' as const,
    model: 'gpt-4o-mini',
    promptTokens: 10,
    completionTokens: 5,
  });

  it('hands the router’s records to the aggregator in Lambda’s event shape, retries from a reported failure, and the rollups count each once', async () => {
    // Written first, so the first batch holds several records.
    const activity = createActivityRepo(doc, tables.activity);
    for (let i = 0; i < 5; i++) await activity.recordRequest(record(`req-${i}`));
    const events: DynamoDBStreamEvent[] = [];
    let failedOnce = false;
    let failedAt: string | undefined;
    reader = startStreamReader({
      endpoint,
      tableName: tables.activity,
      batchSize: 100,
      handler: async (event) => {
        events.push(event);
        // The first batch of several counts its first record and fails at its second, as a throttled write would.
        if (!failedOnce && event.Records.length > 1) {
          failedOnce = true;
          await handler({ Records: event.Records.slice(0, 1) });
          failedAt = event.Records[1]?.dynamodb?.SequenceNumber;
          return { batchItemFailures: [{ itemIdentifier: failedAt ?? '' }] };
        }
        return handler(event);
      },
    });

    const rollups = createRollupReader(doc, tables.usage, { now: () => Date.parse('2026-11-27T00:00:00Z') });
    const read = async () => (await rollups.read('acc_stream', { granularity: 'day', dimension: 'all', from: '2026-11-26', to: '2026-11-26' })).rollups[0];
    const total = await eventually(read, (r) => r?.counters.get('requests') === 5);
    expect(total?.counters.get('requests')).toBe(5);
    expect(total?.counters.get('promptTokens')).toBe(50);

    const first = events[0]?.Records[0];
    expect(first).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: expect.stringContaining(tables.activity),
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'ACCOUNT#acc_stream' }, sk: { S: expect.stringMatching(/^REQ#/) } },
        NewImage: expect.objectContaining({ kind: { S: 'request' }, latencyMs: { N: '250' } }),
        SequenceNumber: expect.stringMatching(/^\d+$/),
        StreamViewType: 'NEW_IMAGE',
      },
    });
    // The retry started at the reported record.
    expect(failedAt).toBeDefined();
    const failedEvent = events.findIndex((e) => e.Records.some((r) => r.dynamodb?.SequenceNumber === failedAt));
    expect(events[failedEvent + 1]?.Records[0]?.dynamodb?.SequenceNumber).toBe(failedAt);
  });

  it('a restart reads the stream from its trim horizon again, and the watermark keeps the rollups unchanged', async () => {
    let handed = 0;
    reader = startStreamReader({
      endpoint,
      tableName: tables.activity,
      batchSize: 100,
      handler: async (event) => {
        handed += event.Records.length;
        return handler(event);
      },
    });
    await eventually(
      async () => handed,
      (n) => n >= 5,
    );
    expect(handed).toBeGreaterThanOrEqual(5);
    const rollups = createRollupReader(doc, tables.usage, { now: () => Date.parse('2026-11-27T00:00:00Z') });
    const { rollups: rows } = await rollups.read('acc_stream', { granularity: 'day', dimension: 'all', from: '2026-11-26', to: '2026-11-26' });
    expect(rows[0]?.counters.get('requests')).toBe(5);
  });
});
