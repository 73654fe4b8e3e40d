import OpenAI, { APIError } from 'openai';
import type { GatewayDeps } from '../../../lambdas/gateway/deps.js';
import type { ServerResponse } from 'node:http';
import { sleep, startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../fakes/openai-upstream.js';
import { expectValid } from '../../support/openai-schema.js';
import { RK_KEY, portDoubles, startHandlerServer, waitFor, type PortDoubles } from '../../fakes/router-harness.js';

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
  }, 15_000); // it waits out the router's per-key timeout for the hanging upstream

  it('401 in OpenAI shape for an unknown key', async () => {
    const client = new OpenAI({ apiKey: 'rk_nope', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const err = await client.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(401);
    expectValid('error', { error: (err as APIError).error });
  });
});

describe('GET /v1/models over many keys, or a bad one', () => {
  /** The models calls the upstream below holds unanswered, and the most it ever held at once. */
  const held: ServerResponse[] = [];
  let mostHeld = 0;
  let answering: 'hold' | 'never' = 'hold';
  let calls = 0;
  let upstream: FakeServer;

  beforeAll(async () => {
    upstream = await startFakeServer((_request, res) => {
      calls++;
      if (answering === 'never') return;
      held.push(res);
      mostHeld = Math.max(mostHeld, held.length);
    });
  });
  beforeEach(() => {
    calls = 0;
  });
  afterAll(() => upstream.close());

  function keysAt(doubles: PortDoubles, count: number): void {
    for (let i = 0; i < count; i++) {
      doubles.providerKeys.set(`k${i}`, { providerKeyId: `pk${i}`, name: `k${i}`, provider: 'openai', baseUrl: `${upstream.origin}/v1`, apiKey: 'sk-x' });
    }
  }

  async function listWith(deps: GatewayDeps, meanwhile: (done: () => boolean) => Promise<void> = async () => undefined): Promise<string[]> {
    const own = await startHandlerServer(deps);
    try {
      let done = false;
      const listing = fetch(`${own.url}/v1/models`, { headers: { authorization: `Bearer ${RK_KEY}` } }).finally(() => (done = true));
      await meanwhile(() => done);
      const res = await listing;
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
    } finally {
      await own.close();
    }
  }

  it('asks at most 8 keys at once, the next only once one has answered', async () => {
    const doubles = portDoubles();
    keysAt(doubles, 20);
    const slowTimeouts = { ...doubles.deps.timeouts, modelsMs: 10_000 };
    answering = 'hold';
    const ids = await listWith({ ...doubles.deps, timeouts: slowTimeouts }, async (done) => {
      await waitFor(() => (held.length === 8 ? true : undefined));
      await sleep(100);
      expect(calls).toBe(8); // no ninth call while eight are open
      // Answer one at a time (a failure: the key is listed from the catalog) until the listing is done.
      while (!done()) {
        held.shift()?.writeHead(500).end();
        await sleep(5);
      }
    });
    expect(mostHeld).toBe(8);
    expect(calls).toBe(20);
    for (let i = 0; i < 20; i++) expect(ids).toContain(`k${i}/gpt-4o-mini`);
  });

  it('stops asking after three per-key timeouts in all, listing the keys not reached from the catalog', async () => {
    const doubles = portDoubles();
    keysAt(doubles, 40);
    answering = 'never';
    const ids = await listWith(doubles.deps);
    // 40 keys 8 at a time would take five rounds of timeouts; the listing's budget is three.
    expect(calls).toBeGreaterThanOrEqual(8);
    expect(calls).toBeLessThanOrEqual(24);
    for (let i = 0; i < 40; i++) expect(ids).toContain(`k${i}/gpt-4o-mini`);
  });

  it('leaves out a key that cannot be opened (it fails to decrypt), logs its id only, and lists the others', async () => {
    const doubles = portDoubles();
    doubles.providerKeys.set('work', { providerKeyId: 'pk_ok', name: 'work', provider: 'openai', baseUrl: good.baseUrl, apiKey: 'sk-a' });
    doubles.providerKeys.set('tampered', { providerKeyId: 'pk_bad', name: 'tampered', provider: 'openai', baseUrl: good.baseUrl, apiKey: 'sk-b' });
    const byName = doubles.deps.providerKeys.byName;
    const deps: GatewayDeps = {
      ...doubles.deps,
      providerKeys: {
        ...doubles.deps.providerKeys,
        byName: async (accountId, name) => {
          if (name === 'tampered') throw new Error('The provider key could not be decrypted.');
          return byName(accountId, name);
        },
      },
    };
    expect(await listWith(deps)).toEqual(['work/gpt-4o-mini', 'work/org/model:8b']);
    expect(doubles.logs.map((line) => JSON.parse(line))).toEqual([
      { level: 'warn', msg: 'provider key left out of the model list: it could not be opened', providerKeyId: 'pk_bad' },
    ]);
  });
});
