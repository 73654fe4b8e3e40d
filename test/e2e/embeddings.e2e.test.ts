import AnthropicV0 from 'anthropic-sdk-0';
import Anthropic from '@anthropic-ai/sdk';
import { APIError } from 'openai';
import { FAKE_COUNTED_TOKENS, startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { fakeVector } from '../fakes/fake-server.js';
import { startFakeGoogleUpstream, type FakeGoogleUpstream } from '../fakes/google-upstream.js';
import { addProviderKey, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { expectValid } from '../support/openai-schema.js';
import { rejectionOf } from '../support/thrown.js';

/**
 * `POST /v1/embeddings`, `GET /v1/models/{id}`, `POST /v1/messages/count_tokens` and the one API-key rule, through
 * the local runtime: an OpenAI-format upstream (`fake`), Gemini (`gem`) and Anthropic (`claude`).
 */
let e2e: E2EContext;
let gemini: FakeGoogleUpstream;
let claude: FakeAnthropicUpstream;

beforeAll(async () => {
  [gemini, claude] = await Promise.all([startFakeGoogleUpstream(), startFakeAnthropicUpstream()]);
  e2e = await startE2E();
  expect(await addProviderKey(e2e.mgmt, { provider: 'google', name: 'gem', apiKey: 'gemini-e2e-key', baseUrl: gemini.baseUrl })).toBe(201);
  expect(await addProviderKey(e2e.mgmt, { provider: 'anthropic', name: 'claude', apiKey: 'sk-ant-e2e', baseUrl: claude.baseUrl })).toBe(201);
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
  await gemini?.close();
  await claude?.close();
});

/** A raw call to the router with a RouKey key, for shapes the SDKs would hide. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${e2e.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${e2e.apiKey}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

const decode = (b64: string) => [...new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer)];
const float32 = (v: number[]) => [...new Float32Array(v)];

describe('POST /v1/embeddings', () => {
  it('passes through to an OpenAI-format target, floats and base64, and validates against OpenAI schema', async () => {
    const floats = await call('POST', '/v1/embeddings', { model: 'fake/text-embedding-3-small', input: ['alpha', 'beta gamma'] });
    const floatsUpstream = e2e.upstream.requests.at(-1);
    // The official client asks for base64 and decodes it itself.
    const sdk = await e2e.client.embeddings.create({ model: 'fake/text-embedding-3-small', input: 'alpha', dimensions: 4 });
    // Checked after both calls: compiling the schemas blocks long enough for a kept-alive connection to be closed under it.
    expect(floats.status).toBe(200);
    expectValid('embeddings', floats.json);
    expect(floats.json.data.map((d: any) => d.embedding)).toEqual([fakeVector('alpha'), fakeVector('beta gamma')]);
    expect(floats.headers.get('x-roukey-provider')).toBe('openai');
    expect(floatsUpstream?.path).toBe('/v1/embeddings');
    expect(e2e.upstream.requests.at(-1)?.body?.encoding_format).toBe('base64');
    expect(sdk.data[0]?.embedding).toEqual(float32(fakeVector('alpha', 4)));
  }, 20_000); // the first call loads the handler

  it('translates to Gemini: one text through embedContent, several through batchEmbedContents, dimensions and base64 honoured', async () => {
    const one = await call('POST', '/v1/embeddings', { model: 'gem/gemini-embedding-001', input: 'alpha', dimensions: 3 });
    expect(one.status).toBe(200);
    expectValid('embeddings', one.json);
    expect(one.json.data[0].embedding).toEqual(fakeVector('alpha', 3));
    expect(gemini.requests.at(-1)?.path).toBe('/v1beta/models/gemini-embedding-001:embedContent');
    expect(gemini.requests.at(-1)?.body).toEqual({ content: { parts: [{ text: 'alpha' }] }, outputDimensionality: 3 });
    const many = await call('POST', '/v1/embeddings', { model: 'gem/gemini-embedding-001', input: ['a', 'bb'], encoding_format: 'base64' });
    expect(many.status).toBe(200);
    expect(gemini.requests.at(-1)?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(many.json.data.map((d: any) => decode(d.embedding))).toEqual([float32(fakeVector('a')), float32(fakeVector('bb'))]);
    expect(many.json.usage.prompt_tokens).toBeGreaterThan(0);
    const sdk = await e2e.client.embeddings.create({ model: 'gem/gemini-embedding-001', input: ['x y z'] });
    expect(sdk.data[0]?.embedding).toEqual(float32(fakeVector('x y z')));
  });

  it.each([
    ['dimensions the model cannot return', { model: 'fake/text-embedding-ada-002', input: 'a', dimensions: 256 }, 'dimensions', 'unsupported_dimensions'],
    ['a chat model', { model: 'fake/gpt-4o-mini', input: 'a' }, 'model', 'wrong_model_kind'],
    ['a provider without embeddings', { model: 'claude/some-embedder', input: 'a' }, 'model', 'unsupported_operation'],
    ['token arrays to a translated target', { model: 'gem/gemini-embedding-001', input: [[1, 2, 3]] }, 'input', null],
    ['an unknown encoding_format', { model: 'fake/text-embedding-3-small', input: 'a', encoding_format: 'int8' }, 'encoding_format', null],
    ['no input', { model: 'fake/text-embedding-3-small' }, 'input', null],
  ])('refuses %s with a 400 naming the field, before any upstream call', async (_what, body, param, code) => {
    const before = e2e.upstream.requests.length + gemini.requests.length;
    const res = await call('POST', '/v1/embeddings', body);
    expect(res.status).toBe(400);
    expectValid('error', res.json);
    expect(res.json.error.param).toBe(param);
    if (code) expect(res.json.error.code).toBe(code);
    expect(e2e.upstream.requests.length + gemini.requests.length).toBe(before);
  });

  it('refuses an embedding model on chat completions', async () => {
    const error = await rejectionOf(
      APIError,
      e2e.client.chat.completions.create({ model: 'fake/text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect([error.status, error.code]).toEqual([400, 'wrong_model_kind']);
  });

  it("surfaces an upstream 429 as the openai client's rate-limit error, with Retry-After", async () => {
    const error = await rejectionOf(APIError, e2e.client.embeddings.create({ model: 'fake/fail-429', input: 'a' }));
    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('7');
  });

  it('routes through an embedding config, and refuses a chat model in one at save time, and a chat config for embeddings', async () => {
    const bad = await e2e.mgmt('POST', '/v1/configs', { name: 'vectors', kind: 'embedding', strategy: 'fallback', targets: [{ model: 'fake/gpt-4o-mini' }] });
    expect([bad.status, bad.json.error.param]).toEqual([400, 'targets.0.model']);
    const badChat = await e2e.mgmt('POST', '/v1/configs', { name: 'talk', strategy: 'fallback', targets: [{ model: 'fake/text-embedding-3-small' }] });
    expect([badChat.status, badChat.json.error.param]).toEqual([400, 'targets.0.model']);
    const roleEmbedding = await e2e.mgmt('POST', '/v1/configs', {
      name: 'vectors',
      kind: 'embedding',
      strategy: 'role',
      roles: { coding: [{ model: 'fake/text-embedding-3-small' }] },
      defaultRole: 'coding',
    });
    expect([roleEmbedding.status, roleEmbedding.json.error.param]).toEqual([400, 'strategy']);
    const good = await e2e.mgmt('POST', '/v1/configs', {
      name: 'vectors',
      kind: 'embedding',
      strategy: 'fallback',
      targets: [{ model: 'fake/fail-500' }, { model: 'gem/gemini-embedding-001' }],
    });
    expect(good.status).toBe(201);
    const routed = await call('POST', '/v1/embeddings', { model: 'roukey/vectors', input: 'alpha' });
    expect([routed.status, routed.headers.get('x-roukey-provider'), routed.headers.get('x-roukey-strategy')]).toEqual([200, 'google', 'fallback']);
    const chat = await rejectionOf(APIError, e2e.client.chat.completions.create({ model: 'roukey/vectors', messages: [{ role: 'user', content: 'hi' }] }));
    expect([chat.status, chat.code]).toEqual([400, 'wrong_config_kind']);
  });

  it('P3: records usage, cost and operation like a chat call, metadata only', async () => {
    const res = await call('POST', '/v1/embeddings', { model: 'fake/text-embedding-3-small', input: ['one', 'two'] });
    const requestId = res.headers.get('x-roukey-request-id');
    const deadline = Date.now() + 5_000;
    let record: any;
    while (!record && Date.now() < deadline) {
      record = (await scanRuntimeTables(e2e.local)).activity.find((item) => item.requestId === requestId);
      if (!record) await new Promise((r) => setTimeout(r, 50));
    }
    expect(record).toMatchObject({
      operation: 'embeddings',
      model: 'text-embedding-3-small',
      provider: 'openai',
      promptTokens: 10,
      status: 200,
      stream: false,
    });
    expect(record.costUsd).toBeCloseTo((10 * 0.02) / 1_000_000, 12);
  });
});

describe('GET /v1/models/{id}', () => {
  it('answers the model, its slash sent encoded by the openai client or raw, in OpenAI shape', async () => {
    const model = await e2e.client.models.retrieve('fake/gpt-4o-mini');
    expectValid('model', model);
    expect(model.id).toBe('fake/gpt-4o-mini');
    const raw = await call('GET', '/v1/models/fake/gpt-4o-mini');
    expect([raw.status, raw.json.id]).toEqual([200, 'fake/gpt-4o-mini']);
  });

  it('answers 404 in OpenAI error shape for an unknown id', async () => {
    const res = await call('GET', '/v1/models/fake%2Fno-such-model');
    expect(res.status).toBe(404);
    expectValid('error', res.json);
    expect(res.json.error.code).toBe('model_not_found');
    expect((await rejectionOf(APIError, e2e.client.models.retrieve('nope/nothing'))).status).toBe(404);
  });
});

describe('Anthropic-speaking callers', () => {
  const clients = [
    ['@anthropic-ai/sdk 0.x', () => new AnthropicV0({ apiKey: e2e.apiKey, baseURL: e2e.gatewayUrl, maxRetries: 0 })],
    ['@anthropic-ai/sdk 1.x', () => new Anthropic({ apiKey: e2e.apiKey, baseURL: e2e.gatewayUrl, maxRetries: 0 })],
  ] as const;

  it.each(clients)('%s lists and retrieves models with x-api-key, in Anthropic shapes', async (_name, make) => {
    const client = make();
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('fake/gpt-4o-mini');
    const one = await client.models.retrieve('claude/claude-sonnet-4-5');
    expect(one).toMatchObject({ type: 'model', id: 'claude/claude-sonnet-4-5' });
  });

  it.each(clients)('%s counts tokens: passed through to an Anthropic target, estimated for another', async (_name, make) => {
    const client = make();
    const messages = [{ role: 'user' as const, content: 'How many tokens are in this sentence, roughly?' }];
    const counted = await client.messages.countTokens({ model: 'claude/claude-sonnet-4-5', messages });
    expect(counted.input_tokens).toBe(FAKE_COUNTED_TOKENS);
    expect(claude.requests.at(-1)).toMatchObject({ path: '/v1/messages/count_tokens', body: { model: 'claude-sonnet-4-5', messages } });
    const estimated = await client.messages.countTokens({ model: 'fake/gpt-4o-mini', messages });
    expect(estimated.input_tokens).toBeGreaterThan(5);
    expect(estimated.input_tokens).toBeLessThan(40);
  });

  it('get errors in Anthropic shape on the models routes; OpenAI callers in OpenAI shape', async () => {
    const anthropic = await call('GET', '/v1/models/fake%2Fmissing', undefined, {
      authorization: '',
      'x-api-key': e2e.apiKey,
      'anthropic-version': '2023-06-01',
    });
    expect([anthropic.status, anthropic.json]).toEqual([404, { type: 'error', error: { type: 'not_found_error', message: expect.any(String) } }]);
    const unauthenticated = await call('GET', '/v1/models', undefined, { authorization: '', 'x-api-key': 'rk_wrong' });
    expect([unauthenticated.status, unauthenticated.json.type, unauthenticated.json.error.type]).toEqual([401, 'error', 'authentication_error']);
  });
});

describe('one authentication rule for every API-key route', () => {
  it.each([
    ['POST', '/v1/chat/completions', { model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }],
    ['POST', '/v1/responses', { model: 'fake/gpt-4o-mini', input: 'hi' }],
    ['POST', '/v1/messages', { model: 'fake/gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }],
    ['POST', '/v1/embeddings', { model: 'fake/text-embedding-3-small', input: 'hi' }],
    ['GET', '/v1/models', undefined],
    ['GET', '/v1/models/fake%2Fgpt-4o-mini', undefined],
  ] as const)('%s %s takes the key as Bearer or as x-api-key', async (method, path, body) => {
    expect((await call(method, path, body)).status).toBe(200);
    expect((await call(method, path, body, { authorization: '', 'x-api-key': e2e.apiKey })).status).toBe(200);
    expect((await call(method, path, body, { authorization: '' })).status).toBe(401);
  });
});
