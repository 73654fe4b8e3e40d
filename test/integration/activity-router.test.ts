import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import OpenAI from 'openai';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createActivityRepo } from '../../lambdas/store/activity-repo.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../fakes/openai-upstream.js';
import { createTestTables } from '../support/tables.js';
import { PRINCIPAL, RK_KEY, portDoubles, startHandlerServer } from '../fakes/router-harness.js';

const CANARY = 'CANARY-ACTIVITY-5b1e99aa';
const PROVIDER_KEY = 'sk-fake-PLAINTEXT-activity-77';

/** The router writing its metadata to the real activity table on DynamoDB Local. */
describe('router → activity table', () => {
  let fake: FakeOpenAIUpstream;
  let server: { url: string; close(): Promise<void> };
  let doc: ReturnType<typeof createDocumentClient>;
  let table: string;
  let client: OpenAI;

  beforeAll(async () => {
    const { endpoint, tables } = await createTestTables();
    table = tables.activity;
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
    fake = await startFakeOpenAIUpstream({ content: `completion with ${CANARY}` });
    const ports = portDoubles();
    ports.providerKeys.set('work', { providerKeyId: 'pk_work', name: 'work', provider: 'openai', baseUrl: fake.baseUrl, apiKey: PROVIDER_KEY });
    server = await startHandlerServer({ ...ports.deps, activity: createActivityRepo(doc, table) });
    client = new OpenAI({ apiKey: RK_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
    doc.destroy();
  });

  const scan = async () => (await doc.send(new ScanCommand({ TableName: table }))).Items ?? [];

  it('P1: writes one metadata item per request, streamed or not, failed or not, with no content and no key', async () => {
    const messages = [{ role: 'user' as const, content: `prompt with ${CANARY}` }];
    await client.chat.completions.create({ model: 'work/echo', messages });
    for await (const _ of await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages, stream: true }));
    await client.chat.completions.create({ model: 'work/fail-500', messages }).catch(() => undefined);
    await client.chat.completions
      .create({ model: 'work/error-stream', messages, stream: true })
      .then(async (s) => {
        for await (const _ of s);
      })
      .catch(() => undefined);

    const items = await pollItems(4);
    expect(items).toHaveLength(4);
    for (const item of items) {
      expect(item.pk).toBe(`ACCOUNT#${PRINCIPAL.accountId}`);
      expect(item.sk).toMatch(/^REQ#\d{4}-\d\d-\d\dT[\d:.]+Z#[0-9a-f-]{36}$/);
      expect(item.kind).toBe('request');
      expect(item.expiresAt).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
    }
    const byModel = Object.fromEntries(items.map((i) => [i.model, i]));
    expect(byModel.echo).toMatchObject({ status: 200, stream: false, totalTokens: 18 });
    expect(byModel['gpt-4o-mini']).toMatchObject({ status: 200, stream: true, totalTokens: 18, finishReason: 'stop' });
    expect(byModel['fail-500']).toMatchObject({ status: 502, errorType: 'upstream_error' });
    expect(byModel['error-stream']).toMatchObject({ status: 200, errorType: 'upstream_error' });
    const stored = JSON.stringify(items);
    expect(stored).not.toContain(CANARY);
    expect(stored).not.toContain(PROVIDER_KEY);
    expect(stored).not.toContain(RK_KEY);
  });

  async function pollItems(count: number) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const items = await scan();
      if (items.length >= count || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
