import { APIError } from 'openai';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { postChat, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { canaryPrompt, newCanary, recordOutcome, settleMetadataWrites } from '../support/canary.js';

const CANARY = newCanary();
const prompt = canaryPrompt(CANARY);

let e2e: E2EContext;
let output: OutputCapture;
/** Everything RouKey sent back to a client during the test, as text. */
const responses: string[] = [];

beforeAll(async () => {
  output = captureOutput();
  e2e = await startE2E();
  responses.push(JSON.stringify((await e2e.mgmt('GET', '/v1/provider-keys')).json));
}, 60_000);

afterAll(async () => {
  output?.restore();
  await e2e?.stop();
});

const drive = (call: () => Promise<unknown>): Promise<void> => recordOutcome(responses, APIError, call);

it('P1: a canary in the prompt and in the answer reaches no table item and no log line, on every path', async () => {
  const { client } = e2e;
  // Success, echoed back by the upstream: the canary is in the completion too.
  await drive(() => client.chat.completions.create({ model: 'fake/echo', messages: prompt }));
  await drive(() => client.chat.completions.create({ model: 'fake/echo', messages: prompt, stream: true, stream_options: { include_usage: true } }));
  // Usage estimated from the text itself, when the upstream reports none: counted in memory, never kept.
  await drive(() => client.chat.completions.create({ model: 'fake/no-usage', messages: prompt }));
  await drive(() => client.chat.completions.create({ model: 'fake/no-usage', messages: prompt, stream: true }));
  // Upstream failures, before and after the first byte.
  for (const mode of ['fail-400', 'fail-401', 'fail-429', 'fail-500', 'reset']) {
    await drive(() => client.chat.completions.create({ model: `fake/${mode}`, messages: prompt }));
    await drive(() => client.chat.completions.create({ model: `fake/${mode}`, messages: prompt, stream: true }));
  }
  e2e.upstream.configure({ chunkDelayMs: 20 });
  for (const mode of ['reset-stream', 'cut-stream', 'error-stream']) {
    await drive(() => client.chat.completions.create({ model: `fake/${mode}`, messages: prompt, stream: true }));
  }
  e2e.upstream.configure({ chunkDelayMs: 0 });
  // RouKey's own rejections: invalid body, unknown provider key, bad RouKey key.
  const bad = await postChat(e2e.gatewayUrl, e2e.apiKey, JSON.stringify({ model: 'fake/echo', messages: CANARY }));
  expect(bad.status).toBe(400);
  responses.push(JSON.stringify(bad.json));
  await drive(() => client.chat.completions.create({ model: 'nobody/echo', messages: prompt }));
  await postChat(e2e.gatewayUrl, 'rk_invalid', JSON.stringify({ model: 'fake/echo', messages: prompt }));
  // Routing: fallbacks, inline lists, rules on metadata headers, the local and the LLM role classifiers, complexity.
  const configs = [
    { name: 'p1-fallback', strategy: 'fallback', targets: [{ model: 'fake/fail-500' }, { model: 'fake/echo' }] },
    { name: 'p1-role', strategy: 'role', roles: { coding: [{ model: 'fake/echo' }], chat: [{ model: 'fake/echo' }] }, defaultRole: 'chat' },
    // The classifier model echoes the prompt back, canary and all: an unusable answer, so the local classifier decides.
    {
      name: 'p1-llm',
      strategy: 'role',
      roles: { coding: [{ model: 'fake/echo' }], chat: [{ model: 'fake/echo' }] },
      defaultRole: 'chat',
      classifier: { method: 'llm', model: 'fake/echo' },
    },
    { name: 'p1-complexity', strategy: 'complexity', bands: { '1': [{ model: 'fake/echo' }] } },
    {
      name: 'p1-rules',
      strategy: 'fallback',
      targets: [{ model: 'fake/echo' }],
      rules: [{ when: { metadata: { team: 'support' } }, targets: [{ model: 'fake/no-usage' }] }],
    },
  ];
  for (const config of configs) {
    expect((await e2e.mgmt('POST', '/v1/configs', config)).status).toBe(201);
    await drive(() => client.chat.completions.create({ model: `roukey/${config.name}`, messages: prompt }));
    await drive(() => client.chat.completions.create({ model: `roukey/${config.name}`, messages: prompt, stream: true }));
  }
  // Metadata headers are read to match rules, never kept: one matches, one carries the canary.
  await drive(() =>
    client.chat.completions.create(
      { model: 'roukey/p1-rules', messages: prompt },
      { headers: { 'x-roukey-metadata-team': 'support', 'x-roukey-metadata-note': CANARY } },
    ),
  );
  // @ts-expect-error RouKey's inline fallback list, which the openai client does not type
  await drive(() => client.chat.completions.create({ model: 'fake/fail-503', models: ['fake/echo'], messages: prompt }));
  // A client that walks away mid-stream.
  const controller = new AbortController();
  const slow = await client.chat.completions.create({ model: 'fake/slow-stream', messages: prompt, stream: true }, { signal: controller.signal });
  await (async () => {
    for await (const _chunk of slow) controller.abort();
  })().catch(() => undefined);
  await settleMetadataWrites(e2e.local.runtime);

  // The canary did travel: the upstream saw it and the echoed answers carried it back.
  expect(JSON.stringify(e2e.upstream.requests.map((r) => r.body))).toContain(CANARY);
  expect(responses.join('\n')).toContain(CANARY);

  const tables = await scanRuntimeTables(e2e.local);
  expect(tables.activity.length).toBeGreaterThanOrEqual(17);
  // The capture really sees the handlers' log lines (the management access log, for one).
  expect(output.text()).toContain('"route":"/v1/provider-keys"');
  expect(JSON.stringify(tables)).not.toContain(CANARY);
  expect(output.text()).not.toContain(CANARY);
}, 30_000); // some forty calls in one test

it('P2: the provider key plaintext appears in no table item, log line or API response', async () => {
  await drive(() => e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages: prompt }));
  await drive(() => e2e.client.models.list());
  responses.push(JSON.stringify((await e2e.mgmt('GET', '/v1/provider-keys')).json));
  await settleMetadataWrites(e2e.local.runtime);

  // The key did reach the upstream, so it was really decrypted and used.
  expect(e2e.upstream.requests.some((r) => r.headers.authorization === `Bearer ${e2e.providerSecret}`)).toBe(true);
  const tables = await scanRuntimeTables(e2e.local);
  expect(tables.accounts.length).toBeGreaterThan(0);
  expect(JSON.stringify(tables)).not.toContain(e2e.providerSecret);
  expect(output.text()).not.toContain(e2e.providerSecret);
  expect(responses.join('\n')).not.toContain(e2e.providerSecret);
  // Nor does the RouKey API key: only its hash is stored.
  expect(JSON.stringify(tables)).not.toContain(e2e.apiKey);
});

it('P1: on the Responses API, translated and passed through, the canary is kept nowhere, nor are the sealed ids given to the client', async () => {
  const { client } = e2e;
  // `chat` speaks chat completions only: its Responses requests are translated. `fake` is OpenAI: passed through.
  const created = await e2e.mgmt('POST', '/v1/provider-keys', { provider: 'custom', name: 'chat', apiKey: 'sk-chat-12345', baseUrl: e2e.upstream.baseUrl });
  expect([created.status, created.json?.error?.message]).toEqual([201, undefined]);
  const input = [{ role: 'user' as const, content: `Repeat this: ${CANARY}` }];
  const instructions = `You are a test. ${CANARY}`;
  const ids: string[] = [];
  const collect = (text: string) => ids.push(...(text.match(/\b(?:resp|msg|fc|rs)_[A-Za-z0-9_-]{40,}/g) ?? []));
  for (const model of ['chat/echo', 'fake/echo']) {
    await drive(() => client.responses.create({ model, input, instructions }));
    await drive(() => client.responses.create({ model, input, instructions, stream: true }));
    await drive(() => client.responses.create({ model, input, instructions, stream: true, store: false }));
    await drive(() => client.responses.create({ model: model.replace('echo', 'fail-429'), input, instructions }));
    await drive(() => client.responses.create({ model, input, instructions, tools: [{ type: 'web_search' }] }));
  }
  for (const text of responses) collect(text);
  const [first] = ids;
  expect(first).toBeDefined();
  // State carried by the ids: a continuation, a retrieval, and a changed id refused.
  await drive(() => client.responses.create({ model: 'chat/echo', input: 'And again?', previous_response_id: first }));
  await drive(() => client.responses.retrieve(first ?? ''));
  await drive(() => client.responses.create({ model: 'chat/echo', input: 'x', previous_response_id: `${first}x` }));
  for (const text of responses) collect(text);
  await settleMetadataWrites(e2e.local.runtime);

  expect(responses.join('\n')).toContain(CANARY);
  expect(e2e.upstream.requests.filter((r) => r.path === '/v1/responses').length).toBeGreaterThan(0);
  const tables = JSON.stringify(await scanRuntimeTables(e2e.local));
  expect(tables).not.toContain(CANARY);
  expect(output.text()).not.toContain(CANARY);
  // The ids the client holds carry the conversation (sealed): none of them is kept in any table.
  expect(ids.length).toBeGreaterThan(5);
  for (const id of ids) expect(tables).not.toContain(id.slice(id.indexOf('_') + 1, id.indexOf('_') + 41));
});

it('P1: on the embeddings path, passed through and translated, errors included, the canary is kept nowhere', async () => {
  const { client } = e2e;
  const created = await e2e.mgmt('POST', '/v1/provider-keys', { provider: 'google', name: 'gem', apiKey: 'gemini-key-12345', baseUrl: e2e.upstream.baseUrl });
  expect(created.status).toBe(201);
  const input = [`Embed this: ${CANARY}`, CANARY];
  await drive(() => client.embeddings.create({ model: 'fake/text-embedding-3-small', input }));
  await drive(() => client.embeddings.create({ model: 'fake/text-embedding-3-small', input: CANARY, encoding_format: 'float' }));
  await drive(() => client.embeddings.create({ model: 'fake/fail-429', input }));
  await drive(() => client.embeddings.create({ model: 'fake/text-embedding-ada-002', input, dimensions: 3 }));
  // Gemini's route is not served by this upstream: a translated request that fails upstream.
  await drive(() => client.embeddings.create({ model: 'gem/gemini-embedding-001', input }));
  await drive(() => client.embeddings.create({ model: `fake/${CANARY.toLowerCase()}`, input }));
  await settleMetadataWrites(e2e.local.runtime);

  expect(JSON.stringify(e2e.upstream.requests.filter((r) => r.path === '/v1/embeddings').map((r) => r.body))).toContain(CANARY);
  const tables = await scanRuntimeTables(e2e.local);
  expect(tables.activity.some((item) => item.operation === 'embeddings')).toBe(true);
  expect(JSON.stringify(tables)).not.toContain(CANARY);
  expect(output.text()).not.toContain(CANARY);
});
