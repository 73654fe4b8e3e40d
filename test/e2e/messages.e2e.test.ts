import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { FAKE_WEATHER_INPUT, startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { addProviderKey, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { newCanary, settleMetadataWrites } from '../support/canary.js';
import { rejectionOf } from '../support/thrown.js';

const CANARY = newCanary();
const hello = [{ role: 'user' as const, content: 'Say hello.' }];
const weatherTool = {
  name: 'get_weather',
  description: 'Weather by city',
  input_schema: { type: 'object' as const, properties: { location: { type: 'string' } } },
};

let e2e: E2EContext;
let fake: FakeAnthropicUpstream;
let output: OutputCapture;
let client: Anthropic;
/** Everything RouKey sent back to a client, as text, for the P1 search. */
const responses: string[] = [];

beforeAll(async () => {
  output = captureOutput();
  fake = await startFakeAnthropicUpstream();
  e2e = await startE2E();
  expect(await addProviderKey(e2e.mgmt, { provider: 'anthropic', name: 'claude', apiKey: `sk-ant-${crypto.randomUUID()}`, baseUrl: fake.baseUrl })).toBe(201);
  client = new Anthropic({ apiKey: e2e.apiKey, baseURL: e2e.gatewayUrl, maxRetries: 0, timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  output?.restore();
  await e2e?.stop();
  await fake?.close();
});

/** The error a call failed with, its body and message kept for the P1 search (fails the test when the call succeeded). */
async function failure(call: Promise<unknown>): Promise<APIError> {
  const err = await rejectionOf(
    APIError,
    call.then((result) => void responses.push(JSON.stringify(result))),
  );
  responses.push(JSON.stringify(err.error), err.message);
  return err;
}

describe('POST /v1/messages routed to an OpenAI-format provider', () => {
  it('answers a Message with the routing headers and Anthropic usage', async () => {
    const { data, response } = await client.messages.create({ model: 'fake/gpt-4o-mini', max_tokens: 64, messages: hello, system: 'Be brief.' }).withResponse();
    expect(data).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'fake/gpt-4o-mini',
      content: [{ type: 'text', text: 'Hello from the fake upstream.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 8, output_tokens: 7, cache_read_input_tokens: 3 },
    });
    expect(data.id).toMatch(/^msg_/);
    expect(response.headers.get('x-roukey-provider')).toBe('openai');
    expect(response.headers.get('x-roukey-model')).toBe('fake/gpt-4o-mini');
    expect(e2e.upstream.requests.at(-1)!.body).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 64,
      messages: [{ role: 'system', content: 'Be brief.' }, ...hello],
    });
  });

  it('routes by config as chat completions do: a fallback to Claude after the first target fails', async () => {
    const config = {
      name: 'messages-fallback',
      strategy: 'fallback',
      targets: [{ model: 'fake/fail-503' }, { model: 'claude/claude-sonnet-4-5' }],
      reliability: { retries: 0 },
    };
    expect((await e2e.mgmt('POST', '/v1/configs', config)).status).toBe(201);
    const { data, response } = await client.messages.create({ model: 'roukey/messages-fallback', max_tokens: 64, messages: hello }).withResponse();
    expect(data.model).toBe('roukey/messages-fallback');
    expect(data.content[0]).toMatchObject({ type: 'text' });
    expect(response.headers.get('x-roukey-strategy')).toBe('fallback');
    expect(response.headers.get('x-roukey-attempts')).toBe('2');
    expect(response.headers.get('x-roukey-model')).toBe('claude/claude-sonnet-4-5');
  });

  it('streams events the SDK assembles into the same Message, with usage', async () => {
    const stream = client.messages.stream({ model: 'fake/gpt-4o-mini', max_tokens: 64, messages: hello });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from the fake upstream.' })]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 8, output_tokens: 7, cache_read_input_tokens: 3 });
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.filter((t) => t === 'content_block_delta').length).toBeGreaterThan(1);
  });

  it('completes a tool use round trip, streamed and not', async () => {
    const first = await client.messages.create({
      model: 'fake/tool-call',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((b) => b.type === 'tool_use')!;
    expect(toolUse).toMatchObject({ id: 'call_fake_1', name: 'get_weather', input: { location: 'Paris, France', unit: 'celsius' } });
    const streamed = await client.messages
      .stream({ model: 'fake/tool-call', max_tokens: 64, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] })
      .finalMessage();
    expect(streamed.content.find((b) => b.type === 'tool_use')).toMatchObject({ id: 'call_fake_1', input: { location: 'Paris, France', unit: 'celsius' } });

    await client.messages.create({
      model: 'fake/ok',
      max_tokens: 64,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C' }] },
      ],
    });
    expect(e2e.upstream.requests.at(-1)!.body!.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_fake_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_fake_1', content: '18°C' },
    ]);
  });
});

describe('POST /v1/messages routed to Anthropic', () => {
  it('answers non-streamed and streamed, tool input intact', async () => {
    const message = await client.messages.create({ model: 'claude/ok', max_tokens: 64, messages: hello });
    expect(message).toMatchObject({
      model: 'claude/ok',
      content: [{ type: 'text', text: 'Hello from the fake Claude.' }],
      usage: { input_tokens: 23, output_tokens: 9, cache_read_input_tokens: 5 },
    });
    const streamed = await client.messages.stream({ model: 'claude/ok', max_tokens: 64, messages: hello }).finalMessage();
    expect(streamed.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from the fake Claude.' })]);
    expect(streamed.usage).toMatchObject({ input_tokens: 23, output_tokens: 9 });
    const tool = await client.messages.stream({ model: 'claude/tool-call', max_tokens: 64, messages: hello, tools: [weatherTool] }).finalMessage();
    expect(tool.stop_reason).toBe('tool_use');
    expect(tool.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: FAKE_WEATHER_INPUT });
    expect(fake.requests.at(-1)!.body).toMatchObject({ model: 'tool-call', max_tokens: 64, stream: true });
  });
});

describe('errors in Anthropic shape', () => {
  it('401 for a bad key, also as a Bearer token', async () => {
    const bad = new Anthropic({ apiKey: 'rk_not_a_key', baseURL: e2e.gatewayUrl, maxRetries: 0 });
    const err = await failure(bad.messages.create({ model: 'fake/x', max_tokens: 8, messages: hello }));
    expect(err.status).toBe(401);
    expect(err.error).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'Invalid or revoked API key.' } });
    const bearer = await fetch(`${e2e.gatewayUrl}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e2e.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/x', max_tokens: 8, messages: hello }),
    });
    expect(bearer.status).toBe(200);
  });

  it('400 naming the field, 404 for an unknown provider key name, 429 with Retry-After', async () => {
    const invalid = await failure(client.messages.create({ model: 'fake/x', max_tokens: 0, messages: hello }));
    expect(invalid.status).toBe(400);
    expect(invalid.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
    const missing = await failure(client.messages.create({ model: 'nobody/x', max_tokens: 8, messages: hello }));
    expect(missing.status).toBe(404);
    expect(missing.error).toMatchObject({ error: { type: 'not_found_error' } });
    const limited = await failure(client.messages.create({ model: 'fake/fail-429', max_tokens: 8, messages: hello }));
    expect(limited.status).toBe(429);
    expect(limited.headers?.get('retry-after')).toBe('7');
    expect(limited.error).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it('a failure after the first byte arrives as an error event', async () => {
    const stream = client.messages.stream({ model: 'claude/error-stream', max_tokens: 8, messages: hello });
    await expect(stream.finalMessage()).rejects.toThrow();
  });
});

it('P1: a canary in the prompt and the answer over /v1/messages reaches no table item and no log line', async () => {
  const prompt = { system: `You are a test. ${CANARY}`, messages: [{ role: 'user' as const, content: `Repeat this: ${CANARY}` }], max_tokens: 64 };
  for (const model of ['fake/echo', 'claude/echo']) {
    responses.push(JSON.stringify(await client.messages.create({ model, ...prompt })));
    responses.push(JSON.stringify(await client.messages.stream({ model, ...prompt }).finalMessage()));
  }
  for (const model of ['fake/fail-500', 'claude/fail-529', 'fake/fail-400']) await failure(client.messages.create({ model, ...prompt }));
  await failure(client.messages.stream({ model: 'fake/error-stream', ...prompt }).finalMessage());
  await settleMetadataWrites(e2e.local.runtime);

  expect(responses.join('\n')).toContain(CANARY);
  const tables = await scanRuntimeTables(e2e.local);
  expect(tables.activity.length).toBeGreaterThanOrEqual(8);
  expect(JSON.stringify(tables)).not.toContain(CANARY);
  expect(output.text()).not.toContain(CANARY);
});
