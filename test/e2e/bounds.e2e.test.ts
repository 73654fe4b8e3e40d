import { MAX_JSON_DEPTH } from '../../lambdas/http/request-json.js';
import { startHostileUpstream, type HostileUpstream } from '../fakes/hostile-upstream.js';
import { provisionGateway, type ProvisionedGateway } from '../support/e2e-setup.js';

let hostile: HostileUpstream;
let gateway: ProvisionedGateway;

beforeAll(async () => {
  hostile = await startHostileUpstream({ dripMs: 20 });
  // The provider key `fake` points at the hostile upstream.
  gateway = await provisionGateway(hostile.baseUrl);
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await hostile?.close();
});

/** About 8 KB of brackets, 4,100 levels deep, inside an otherwise valid body: what overflowed the stack before. */
const deepValue = `${'['.repeat(4_100)}${']'.repeat(4_100)}`;
const tooDeep = `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`;

async function post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${gateway.gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined, text };
}

describe('deeply nested request bodies, against the local runtime', () => {
  it('chat completions: 400 in OpenAI shape naming the limit', async () => {
    const body = `{"model":"fake/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata":{"x":${deepValue}}}`;
    const res = await post('/v1/chat/completions', body, { authorization: `Bearer ${gateway.apiKey}` });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { message: tooDeep, type: 'invalid_request_error', param: null, code: 'json_too_deep' } });
    expect(hostile.requests).toHaveLength(0);
  });

  it('messages: 400 in Anthropic shape naming the limit', async () => {
    const body = `{"model":"fake/gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"metadata":{"x":${deepValue}}}`;
    const res = await post('/v1/messages', body, { 'x-api-key': gateway.apiKey });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: tooDeep } });
  });

  it('a management route (POST /v1/configs): 400 naming the limit, and nothing created', async () => {
    const body = `{"name":"deep","strategy":"fallback","targets":[{"model":"fake/gpt-4o-mini"}],"x":${deepValue}}`;
    const res = await post('/v1/configs', body, { authorization: `Bearer ${gateway.local.accessToken}` });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { message: tooDeep, type: 'invalid_request_error', param: null, code: 'json_too_deep' } });
    expect((await gateway.mgmt('GET', '/v1/configs/deep')).status).toBe(404);
  });
});

describe('a stream cut by its idle timeout, against the local runtime', () => {
  it("messages: ends with Anthropic's error event after the text so far", async () => {
    const config = { name: 'idle', strategy: 'fallback', targets: [{ model: 'fake/drip-after-token' }], reliability: { idleTimeoutMs: 300 } };
    expect((await gateway.mgmt('POST', '/v1/configs', config)).status).toBe(201);
    const body = JSON.stringify({ model: 'roukey/idle', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const res = await post('/v1/messages', body, { 'x-api-key': gateway.apiKey });
    expect(res.status).toBe(200);
    const events = res.text.split('\n\n').filter(Boolean);
    expect(events.some((e) => e.startsWith('event: content_block_delta') && e.includes('"Hello"'))).toBe(true);
    const last = events.at(-1) ?? '';
    expect(last.split('\n')[0]).toBe('event: error');
    expect(JSON.parse(last.split('\n')[1]?.slice('data: '.length) ?? '')).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'The provider stream sent nothing within its idle timeout.' },
    });
    await hostile.closedByGateway('drip-after-token');
  });
});
