import OpenAI, { APIError } from 'openai';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../fakes/openai-upstream.js';
import { expectValid } from '../../support/openai-schema.js';
import { RK_KEY, portDoubles, startHandlerServer, type PortDoubles } from '../../fakes/router-harness.js';

let good: FakeOpenAIUpstream;
let broken: FakeOpenAIUpstream;
let hanging: FakeOpenAIUpstream;
let ports: PortDoubles;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  good = await startFakeOpenAIUpstream({ models: ['gpt-4o-mini', 'org/model:8b'] });
  broken = await startFakeOpenAIUpstream({ modelsMode: 'fail-500' });
  hanging = await startFakeOpenAIUpstream({ modelsMode: 'hang' });
  ports = portDoubles();
  ports.providerKeys.set('work', { providerKeyId: 'pk1', name: 'work', provider: 'openai', baseUrl: good.baseUrl, apiKey: 'sk-a' });
  ports.providerKeys.set('down', { providerKeyId: 'pk2', name: 'down', provider: 'openai', baseUrl: broken.baseUrl, apiKey: 'sk-b' });
  ports.providerKeys.set('slow', { providerKeyId: 'pk3', name: 'slow', provider: 'openai', baseUrl: hanging.baseUrl, apiKey: 'sk-c' });
  // A key whose base URL the SSRF guard refuses is skipped, never called.
  ports.providerKeys.set('evil', { providerKeyId: 'pk4', name: 'evil', provider: 'openai', baseUrl: `${good.baseUrl}/evil`, apiKey: 'sk-d' });
  ports.refuseBaseUrls.add(`${good.baseUrl}/evil`);
  server = await startHandlerServer(ports.deps);
});
afterAll(async () => {
  await server.close();
  await Promise.all([good.close(), broken.close(), hanging.close()]);
});

describe('GET /v1/models', () => {
  it('lists <provider-key name>/<model> from each upstream, failing and hanging ones from the catalog, then serves from cache', async () => {
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${RK_KEY}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expectValid('models', body);
    const ids: string[] = body.data.map((m: { id: string }) => m.id);
    expect(ids.slice(0, 2)).toEqual(['work/gpt-4o-mini', 'work/org/model:8b']);
    // An upstream that fails or hangs is listed from the catalog; a key the SSRF guard refuses lists nothing.
    expect(ids).toEqual(expect.arrayContaining(['down/gpt-4o-mini', 'slow/gpt-4o']));
    expect(ids.some((id) => id.startsWith('evil/'))).toBe(false);
    expect(body.data[0]).toEqual({ id: 'work/gpt-4o-mini', object: 'model', created: 1_700_000_000, owned_by: 'fake-org' });
    // The hanging upstream was cut off by the router's short timeout, not waited for.
    expect((await hanging.waitFor((r) => r.path === '/v1/models' && r.clientAborted)).closed).toBe(true);
    expect(good.requests.at(-1)?.headers.authorization).toBe('Bearer sk-a');
    expect(good.requests.some((r) => r.path.includes('evil'))).toBe(false);

    const calls = good.requests.length;
    const client = new OpenAI({ apiKey: RK_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain('work/gpt-4o-mini');
    expect(good.requests.length).toBe(calls);
  });

  it('401 in OpenAI shape for an unknown key', async () => {
    const client = new OpenAI({ apiKey: 'rk_nope', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const err = await client.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(401);
    expectValid('error', { error: (err as APIError).error });
  });
});
