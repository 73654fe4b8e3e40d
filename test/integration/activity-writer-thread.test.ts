import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createActivityRepo } from '../../lambdas/store/activity-repo.js';
import { startActivityWriterThread, type ActivityFields, type ActivityWriterThread } from '../../lib/local/activity-writer-thread.js';
import { createTestTables } from '../support/tables.js';

const record = (requestId: string): ActivityFields => ({
  accountId: 'acc_thread',
  requestId,
  apiKeyId: 'ak_1',
  startedAt: '2026-11-26T05:00:00.000Z',
  latencyMs: 12,
  status: 200,
  stream: false,
  provider: 'openai',
  model: 'gpt-4o-mini',
});

describe("the local runtime's activity writer thread (DynamoDB Local)", () => {
  let endpoint: string;
  let table: string;
  let doc: ReturnType<typeof createDocumentClient>;
  let thread: ActivityWriterThread;
  const start = (batchWindowMs = 0) => startActivityWriterThread({ region: 'us-east-1', dynamodbEndpoint: endpoint, batchWindowMs });
  const storedIds = async () => (await createActivityRepo(doc, table).listRequests('acc_thread', { limit: 100 })).map((r) => r.requestId);

  beforeAll(async () => {
    const created = await createTestTables();
    endpoint = created.endpoint;
    table = created.tables.activity;
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    thread = start();
  });
  afterAll(async () => {
    await thread.stop();
    doc.destroy();
  });

  it('stores what the router records, a full batch at once and the rest when it is stopped', async () => {
    // A 30 s window: only a full batch (25) goes at once; the 26th waits until stop() has it written.
    const batching = start(30_000);
    const ids = Array.from({ length: 26 }, (_, i) => `req-thread-${String(i).padStart(2, '0')}`);
    await Promise.all(ids.slice(0, 25).map((id) => batching.writer(table).recordRequest(record(id))));
    const last = batching.writer(table).recordRequest(record(ids[25]!));
    await new Promise((r) => setTimeout(r, 200));
    expect(await storedIds()).toEqual(expect.not.arrayContaining([ids[25]]));
    await batching.stop();
    await expect(last).resolves.toBeUndefined();
    expect(await storedIds()).toEqual(expect.arrayContaining(ids));
  });

  it('P3: refuses a record with a field outside the schema, naming only the error class, and stores the others', async () => {
    const canary = 'CANARY-writer-thread-7f3a';
    const writer = thread.writer(table);
    const [refused, stored] = await Promise.allSettled([
      writer.recordRequest({ ...record('req-thread-extra'), prompt: canary } as ActivityFields),
      writer.recordRequest(record('req-thread-ok')),
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { name: 'ZodError' } });
    expect(JSON.stringify((refused as PromiseRejectedResult).reason.message)).not.toContain(canary);
    expect(stored.status).toBe('fulfilled');
    const ids = await storedIds();
    expect(ids).toContain('req-thread-ok');
    expect(ids).not.toContain('req-thread-extra');
  });

  it('rejects with the error class only when the table cannot be written, and keeps serving', async () => {
    const err = (await thread
      .writer('no-such-table')
      .recordRequest(record('req-thread-lost'))
      .catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).not.toMatch(/no-such-table/);
    await expect(thread.writer(table).recordRequest(record('req-thread-after-error'))).resolves.toBeUndefined();
  });

  it('fails what is recorded once it has stopped, rather than leaving it waiting', async () => {
    const stopped = start();
    await stopped.stop();
    await expect(stopped.writer(table).recordRequest(record('req-thread-late'))).rejects.toThrow(/stopped/);
  });
});
