import OpenAI from 'openai';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../fakes/openai-upstream.js';
import { RK_KEY, portDoubles, startHandlerServer, waitFor } from '../fakes/router-harness.js';

const CANARY = 'CANARY-METRICS-41f0';

/** The router's handler writing its EMF line per request, through the same exchange as in Lambda. */
describe('router → EMF metrics', () => {
  let fake: FakeOpenAIUpstream;
  let server: { url: string; close(): Promise<void> };
  let client: OpenAI;
  const lines: Record<string, any>[] = [];
  let ports: ReturnType<typeof portDoubles>;

  beforeAll(async () => {
    fake = await startFakeOpenAIUpstream({ content: `completion with ${CANARY}` });
    ports = portDoubles();
    ports.providerKeys.set('work', { providerKeyId: 'pk_work', name: 'work', provider: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-x' });
    server = await startHandlerServer({
      ...ports.deps,
      metrics: (line) => {
        lines.push(JSON.parse(line));
      },
    });
    client = new OpenAI({ apiKey: RK_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  it('P1: one line per streamed request, with its TTFT and tokens, and no content', async () => {
    lines.length = 0;
    const stream = await client.chat.completions.create({
      model: 'work/gpt-4o-mini',
      messages: [{ role: 'user', content: `hi ${CANARY}` }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream) {
      // Read to the end: the line is written once the response has ended.
    }
    const [line] = await waitFor(() => (lines.length > 0 ? lines : undefined));
    expect(line).toMatchObject({ provider: 'openai', statusClass: '2xx', strategy: 'direct', Requests: 1 });
    expect(line?.TimeToFirstToken).toEqual(expect.any(Number));
    expect(line?.CompletionTokens).toBeGreaterThan(0);
    expect(JSON.stringify(line)).not.toContain(CANARY);
  });

  it('an unauthenticated request is counted too, under its error class', async () => {
    lines.length = 0;
    const bad = new OpenAI({ apiKey: 'rk_wrong', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'work/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    const [line] = await waitFor(() => (lines.length > 0 ? lines : undefined));
    expect(line).toMatchObject({ statusClass: '4xx', provider: 'none', 'Errors.unauthenticated': 1 });
  });
});
