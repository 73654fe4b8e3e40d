import { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { FAKE_TIME_INPUT, FAKE_WEATHER_INPUT, startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { addProviderKey, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { expectValid } from '../support/openai-schema.js';
import { canaryPrompt, newCanary, recordOutcome, settleMetadataWrites } from '../support/canary.js';
import { rejectionOf } from '../support/thrown.js';
import { expectMappedFailure, readBrokenStream } from '../support/mapped-failure.js';
import { assembleChunks } from '../support/chat-chunks.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
};

let e2e: E2EContext;
let fake: FakeAnthropicUpstream;
let output: OutputCapture;
const anthropicSecret = `sk-ant-e2e-${crypto.randomUUID()}`;

beforeAll(async () => {
  output = captureOutput();
  fake = await startFakeAnthropicUpstream();
  e2e = await startE2E();
  expect(await addProviderKey(e2e.mgmt, { provider: 'anthropic', name: 'claude', apiKey: anthropicSecret, baseUrl: fake.baseUrl })).toBe(201);
}, 60_000);

afterAll(async () => {
  output?.restore();
  await e2e?.stop();
  await fake?.close();
});

/** The error a call through the official client failed with (fails the test when the call succeeded). */
const failure = (call: Promise<unknown>): Promise<APIError> => rejectionOf(APIError, call);

/** A streamed answer as an OpenAI client assembles it, every chunk checked against OpenAI's schema. */
async function assembled(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    expectValid('chunk', chunk);
    chunks.push(chunk);
  }
  return assembleChunks(chunks);
}

describe('the anthropic provider through RouKey with the official openai client', () => {
  it('answers a non-streamed request, calling the Messages API with the provider key', async () => {
    const { data, response } = await e2e.client.chat.completions.create({ model: 'claude/claude-sonnet-4-5', messages, max_tokens: 256 }).withResponse();
    expectValid('completion', data);
    expect(data.choices[0]?.message.content).toBe(fake.options.content);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    // Fake usage: 21 input + 5 cache reads + 2 cache writes, 9 output.
    expect(data.usage).toMatchObject({ prompt_tokens: 28, completion_tokens: 9, total_tokens: 37, prompt_tokens_details: { cached_tokens: 5 } });
    expect(response.headers.get('x-roukey-provider')).toBe('anthropic');
    expect(response.headers.get('x-roukey-model')).toBe('claude/claude-sonnet-4-5');
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(anthropicSecret);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
    });
  });

  it('streams text with the usage chunk when asked for', async () => {
    const stream = await e2e.client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const answer = await assembled(stream);
    expect(answer.content).toBe(fake.options.content);
    expect(answer.finishReason).toBe('stop');
    expect(answer.usage).toMatchObject({ prompt_tokens: 28, completion_tokens: 9, total_tokens: 37 });
    expect(fake.requests.at(-1)!.body?.stream).toBe(true);
  });

  it('streams tool calls whose arguments parse exactly to what the fake produced, one or two in parallel', async () => {
    const one = await assembled(await e2e.client.chat.completions.create({ model: 'claude/tool-call', messages, tools: [weatherTool], stream: true }));
    expect(one.content).toBe('Let me check the weather.');
    expect(one.tools.map((t) => [t.id, t.type, t.function.name])).toEqual([['toolu_fake_1', 'function', 'get_weather']]);
    expect(JSON.parse(one.tools[0]!.function.arguments)).toEqual(FAKE_WEATHER_INPUT);
    expect(one.finishReason).toBe('tool_calls');
    expect(fake.requests.at(-1)!.body?.tools).toEqual([{ name: 'get_weather', description: 'Weather by city', input_schema: weatherTool.function.parameters }]);

    const two = await assembled(await e2e.client.chat.completions.create({ model: 'claude/parallel-tools', messages, tools: [weatherTool], stream: true }));
    expect(two.tools.map((t) => JSON.parse(t.function.arguments))).toEqual([FAKE_WEATHER_INPUT, FAKE_TIME_INPUT]);
  });

  it.each(['claude-sonnet-4-5', 'tool-call', 'parallel-tools'])('the assembled streamed answer equals the non-streamed one (%s)', async (model) => {
    const plain = await e2e.client.chat.completions.create({ model: `claude/${model}`, messages, tools: [weatherTool] });
    const streamed = await assembled(
      await e2e.client.chat.completions.create({
        model: `claude/${model}`,
        messages,
        tools: [weatherTool],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const message = plain.choices[0]!.message;
    expect(streamed.content || null).toBe(message.content);
    expect(streamed.tools.length > 0 ? streamed.tools : undefined).toEqual(message.tool_calls);
    expect(streamed.finishReason).toBe(plain.choices[0]!.finish_reason);
    expect(streamed.usage).toEqual(plain.usage);
  });

  it.each([
    ['fail-429', 429],
    ['fail-529', 502],
    ['fail-500', 502],
    ['fail-401', 424],
    ['fail-400', 400],
  ])('upstream %s → %i, streamed or not', async (mode, status) => {
    await expectMappedFailure(e2e.client, `claude/${mode}`, status, '13');
  });

  it('refuses response_format json_schema with a 400 naming it, before calling Anthropic', async () => {
    const before = fake.requests.length;
    const err = await failure(
      e2e.client.chat.completions.create({
        model: 'claude/claude-sonnet-4-5',
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      }),
    );
    expect(err.status).toBe(400);
    expect(err.param).toBe('response_format');
    expect(fake.requests.length).toBe(before);
  });

  it('ends a stream whose upstream sends an error event with an error event, not a silent truncation', async () => {
    const { text, error } = await readBrokenStream(e2e.client, 'claude/error-stream');
    expect(text.length).toBeGreaterThan(0);
    expect(error.message).toMatch(/Overloaded/);
  });

  it('lists claude/<model> ids from the Anthropic model list', async () => {
    const ids = (await e2e.client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['claude/claude-sonnet-4-5', 'claude/claude-haiku-4-5']));
  });

  it('P1: a canary in the prompt and in the echoed answer reaches no table item and no log line', async () => {
    const canary = newCanary();
    const prompt = canaryPrompt(canary);
    const responses: string[] = [];
    responses.push(JSON.stringify(await e2e.client.chat.completions.create({ model: 'claude/echo', messages: prompt })));
    const echoed = await assembled(
      await e2e.client.chat.completions.create({ model: 'claude/echo', messages: prompt, stream: true, stream_options: { include_usage: true } }),
    );
    responses.push(echoed.content);
    for (const mode of ['fail-400', 'fail-401', 'fail-429', 'fail-529', 'error-stream', 'cut-stream']) {
      for (const stream of [false, true]) {
        // Stream-only failure modes answer a plain request normally; either way the outcome is kept for the scan.
        await recordOutcome(responses, APIError, () => e2e.client.chat.completions.create({ model: `claude/${mode}`, messages: prompt, stream }));
      }
    }
    await settleMetadataWrites(e2e.local.runtime);

    // The canary did travel: Anthropic got it as system and user text, and the echo carried it back.
    const sent = fake.requests.filter((r) => JSON.stringify(r.body ?? null).includes(canary));
    expect(sent.length).toBeGreaterThanOrEqual(14);
    expect(sent[0]!.body?.system).toEqual([{ type: 'text', text: `You are a test. ${canary}` }]);
    expect(responses.filter((r) => r.includes(canary))).toHaveLength(2);

    const tables = await scanRuntimeTables(e2e.local);
    expect(tables.activity.some((item) => item.provider === 'anthropic')).toBe(true);
    expect(output.text()).toContain('"route":"/v1/provider-keys"');
    expect(JSON.stringify(tables)).not.toContain(canary);
    expect(output.text()).not.toContain(canary);
    // Nor is the Anthropic key stored or logged in plain (P2 holds for this provider too).
    expect(JSON.stringify(tables)).not.toContain(anthropicSecret);
    expect(output.text()).not.toContain(anthropicSecret);
  });
});
