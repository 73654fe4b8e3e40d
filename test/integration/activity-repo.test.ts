import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createActivityRepo, type ActivityRepo } from '../../lambdas/store/activity-repo.js';
import { RETENTION } from '../../lambdas/store/retention.js';
import { createTestTables } from '../support/tables.js';

const NOW = Date.parse('2026-11-26T05:00:00.000Z');
const fields = {
  accountId: 'acc_1',
  requestId: 'req-0001',
  apiKeyId: 'ak_1',
  startedAt: '2026-11-26T04:59:59.500Z',
  latencyMs: 500,
  ttftMs: 120,
  status: 200,
  stream: true,
  provider: 'openai' as const,
  providerKeyId: 'pk_1',
  model: 'gpt-4o-mini',
  promptTokens: 11,
  completionTokens: 7,
  totalTokens: 18,
  cachedTokens: 3,
  finishReason: 'stop' as const,
};

describe('activity repository (DynamoDB Local)', () => {
  let repo: ActivityRepo;
  let doc: ReturnType<typeof createDocumentClient>;
  let table: string;

  beforeAll(async () => {
    const { endpoint, tables } = await createTestTables();
    table = tables.activity;
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    repo = createActivityRepo(doc, table, { now: () => NOW });
  });
  afterAll(() => doc.destroy());

  it('writes one item per request under ACCOUNT#/REQ# keys with the retention TTL', async () => {
    await repo.recordRequest(fields);
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: 'ACCOUNT#acc_1', sk: 'REQ#2026-11-26T04:59:59.500Z#req-0001' } }));
    expect(Item).toEqual({
      pk: 'ACCOUNT#acc_1',
      sk: 'REQ#2026-11-26T04:59:59.500Z#req-0001',
      kind: 'request',
      ...fields,
      expiresAt: Math.floor(NOW / 1000) + RETENTION.requestMetadataDays * 86_400,
    });
  });

  it('lists the account requests newest first and leaves out other accounts', async () => {
    await repo.recordRequest({
      ...fields,
      requestId: 'req-0002',
      startedAt: '2026-11-26T05:00:00.000Z',
      stream: false,
      status: 502,
      errorType: 'upstream_error',
    });
    await repo.recordRequest({ ...fields, accountId: 'acc_2', requestId: 'req-0003' });
    const list = await repo.listRequests('acc_1');
    expect(list.map((r) => r.requestId)).toEqual(['req-0002', 'req-0001']);
    expect(list[0]).toMatchObject({ status: 502, errorType: 'upstream_error', kind: 'request' });
  });

  it('filters out records past their TTL that DynamoDB has not deleted yet', async () => {
    const later = createActivityRepo(doc, table, { now: () => NOW + (RETENTION.requestMetadataDays + 1) * 86_400_000 });
    expect(await later.listRequests('acc_1')).toEqual([]);
  });

  it('P3: refuses to store a record with a field outside the fixed schema, writing nothing', async () => {
    const sneaky = { ...fields, requestId: 'req-0004', prompt: 'CANARY prompt text' } as typeof fields;
    await expect(repo.recordRequest(sneaky)).rejects.toThrow();
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: 'ACCOUNT#acc_1', sk: `REQ#${fields.startedAt}#req-0004` } }));
    expect(Item).toBeUndefined();
  });
});
