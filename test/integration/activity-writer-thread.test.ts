import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createActivityRepo } from '../../lambdas/store/activity-repo.js';
import { flushWriteBatchers } from '../../lambdas/store/write-batcher.js';
import { startActivityWriterThread, type ActivityWriterThread } from '../../lib/local/activity-writer-thread.js';
import { createTestTables } from '../support/tables.js';

const record = (requestId: string) => ({
  accountId: 'acc_thread',
  requestId,
  apiKeyId: 'ak_1',
  startedAt: '2026-11-26T05:00:00.000Z',
  latencyMs: 12,
  status: 200,
  stream: false,
  provider: 'openai' as const,
  model: 'gpt-4o-mini',
});

describe("the local runtime's activity writer thread (DynamoDB Local)", () => {
  let endpoint: string;
  let table: string;
  let doc: ReturnType<typeof createDocumentClient>;
  let thread: ActivityWriterThread;

  beforeAll(async () => {
    const created = await createTestTables();
    endpoint = created.endpoint;
    table = created.tables.activity;
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    thread = startActivityWriterThread({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  });
  afterAll(async () => {
    await thread.stop();
    doc.destroy();
  });

  it('stores what the repository records through it, single items and batches alike', async () => {
    // A 30 s window: only a full batch (25) goes at once; the single record waits for the explicit flush below.
    const repo = createActivityRepo(doc, table, { batchWindowMs: 30_000, send: thread.sender(table) });
    const ids = Array.from({ length: 26 }, (_, i) => `req-thread-${String(i).padStart(2, '0')}`);
    const writes = ids.map((id) => repo.recordRequest(record(id)));
    await flushWriteBatchers();
    await Promise.all(writes);
    const stored = await repo.listRequests('acc_thread', { limit: 50 });
    expect(stored.map((r) => r.requestId).sort()).toEqual(ids);
    expect(stored[0]).toMatchObject({ kind: 'request', model: 'gpt-4o-mini', status: 200 });
  });

  it('rejects with the error class only when the table cannot be written, and keeps serving', async () => {
    const send = thread.sender('no-such-table');
    const err = (await send([{ pk: { S: 'ACCOUNT#x' }, sk: { S: 'REQ#x' } }]).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).not.toMatch(/no-such-table/);
    await expect(thread.sender(table)([{ pk: { S: 'ACCOUNT#acc_thread' }, sk: { S: 'REQ#after-error' } }])).resolves.toEqual([]);
  });

  it('fails what is sent once it has stopped, rather than leaving it waiting', async () => {
    const stopped = startActivityWriterThread({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    await stopped.stop();
    await expect(stopped.sender(table)([{ pk: { S: 'ACCOUNT#x' }, sk: { S: 'REQ#x' } }])).rejects.toThrow(/stopped/);
  });
});
