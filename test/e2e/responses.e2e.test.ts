import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { APIError } from 'openai';
import { FAKE_WEATHER_INPUT, startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { FAKE_RESPONSES_TOOL_ARGUMENTS } from '../fakes/openai-responses.js';
import { addProviderKey, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { expectValid } from '../support/openai-schema.js';
import { rejectionOf } from '../support/thrown.js';

let e2e: E2EContext;
let claude: FakeAnthropicUpstream;
/** Every request body the AI SDK sent RouKey, to see what a tool loop sends back. */
const sent: Record<string, unknown>[] = [];
let sdk: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  claude = await startFakeAnthropicUpstream();
  e2e = await startE2E();
  expect(await addProviderKey(e2e.mgmt, { provider: 'anthropic', name: 'claude', apiKey: 'sk-ant-e2e', baseUrl: claude.baseUrl })).toBe(201);
  sdk = createOpenAI({
    baseURL: `${e2e.gatewayUrl}/v1`,
    apiKey: e2e.apiKey,
    fetch: async (url, init) => {
      if (typeof init?.body === 'string') sent.push(JSON.parse(init.body) as Record<string, unknown>);
      return fetch(url, init);
    },
  });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
  await claude?.close();
});

const weather = tool({
  description: 'Weather by city',
  inputSchema: jsonSchema<Record<string, unknown>>({ type: 'object', properties: { location: { type: 'string' } } }),
});

/** Every event of a Responses stream read through the official client, each checked against OpenAI's schema. */
async function events(stream: AsyncIterable<unknown>): Promise<Array<Record<string, unknown>>> {
  const all: Array<Record<string, unknown>> = [];
  for await (const event of stream) {
    expectValid('responseEvent', event);
    all.push(event as Record<string, unknown>);
  }
  return all;
}

describe('the Vercel AI SDK default model, translated to an Anthropic target', () => {
  it('generates text, through the Messages API', async () => {
    const result = await generateText({ model: sdk('claude/claude-sonnet-4-5'), prompt: 'Say hello.' });
    expect(result.text).toBe(claude.options.content);
    expect(result.usage.inputTokens).toBe(28);
    expect(claude.requests.at(-1)?.path).toBe('/v1/messages');
  });

  it('streams text', async () => {
    const result = streamText({ model: sdk('claude/claude-sonnet-4-5'), prompt: 'Say hello.' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe(claude.options.content);
    expect((await result.usage).outputTokens).toBe(9);
  });

  it('calls a tool with the exact arguments, streamed and not', async () => {
    const whole = await generateText({ model: sdk('claude/tool-call'), prompt: 'Weather in Paris?', tools: { get_weather: weather } });
    expect(whole.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['get_weather', FAKE_WEATHER_INPUT]]);
    const streamed = streamText({ model: sdk('claude/tool-call'), prompt: 'Weather in Paris?', tools: { get_weather: weather } });
    expect((await streamed.toolCalls).map((c) => [c.toolName, c.input])).toEqual([['get_weather', FAKE_WEATHER_INPUT]]);
  });

  it.each(['generateText', 'streamText'] as const)('runs a two-step tool loop with %s: the earlier text comes back by item_reference', async (how) => {
    sent.length = 0;
    const tools = { get_weather: tool({ ...weather, execute: async () => 'sunny, 21 °C' }) };
    const options = { model: sdk('claude/tool-loop'), prompt: 'Weather in Paris?', tools, stopWhen: stepCountIs(2) };
    const text = how === 'generateText' ? (await generateText(options)).text : await streamText(options).text;
    expect(text).toBe('The weather: sunny, 21 °C');
    // Step two referred to step one's message by its id alone; RouKey opened it for the upstream.
    const input = sent.at(-1)?.input as Array<Record<string, unknown>>;
    expect(input.some((item) => item.type === 'item_reference')).toBe(true);
    const turns = claude.requests.at(-1)?.body?.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(turns.at(-2)).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check the weather.' },
        { type: 'tool_use', id: 'toolu_fake_1', name: 'get_weather', input: FAKE_WEATHER_INPUT },
      ],
    });
    expect(turns.at(-1)?.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_fake_1', content: 'sunny, 21 °C' });
  });

  it("surfaces a 429 as the SDK's own retryable error", async () => {
    const error = await rejectionOf(APICallError, generateText({ model: sdk('claude/fail-429'), prompt: 'Hi', maxRetries: 0 }));
    expect(error.statusCode).toBe(429);
    expect(error.isRetryable).toBe(true);
    expect(error.responseHeaders?.['retry-after']).toBe('13');
  });
});

describe('the official openai client on the Responses API, translated', () => {
  it('answers a Response that validates, and continues it by previous_response_id and by GET', async () => {
    const first = await e2e.client.responses.create({ model: 'claude/echo', input: 'Remember the word PLUM.', instructions: 'Be brief.' });
    expectValid('response', first);
    expect(first.output_text).toBe('Remember the word PLUM.');
    const second = await e2e.client.responses.create({ model: 'claude/echo', input: 'Which word?', previous_response_id: first.id });
    expectValid('response', second);
    // The earlier turns came from the id alone; instructions are not carried over (as OpenAI does).
    const turns = claude.requests.at(-1)?.body?.messages as Array<{ role: string; content: Array<{ text: string }> }>;
    expect(turns.map((t) => [t.role, t.content.map((block) => block.text).join('')])).toEqual([
      ['user', 'Remember the word PLUM.'],
      ['assistant', 'Remember the word PLUM.'],
      ['user', 'Which word?'],
    ]);
    expect(claude.requests.at(-1)?.body?.system).toBeUndefined();
    const retrieved = await e2e.client.responses.retrieve(second.id);
    expectValid('response', retrieved);
    expect(retrieved.id).toBe(second.id);
    expect(retrieved.output_text).toBe('Which word?');
  }, 20_000); // the first check compiles the Responses schema, seconds on a busy machine

  it('streams the event sequence a Responses client expects, every event valid', async () => {
    const all = await events(await e2e.client.responses.create({ model: 'claude/tool-call', input: 'Weather?', stream: true, tools: [functionTool] }));
    expect(all.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(4).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      ...Array(all.filter((e) => e.type === 'response.function_call_arguments.delta').length).fill('response.function_call_arguments.delta'),
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
    const done = all.find((e) => e.type === 'response.function_call_arguments.done');
    expect(JSON.parse(String(done?.arguments))).toEqual(FAKE_WEATHER_INPUT);
    const completed = all.at(-1)?.response as { usage: unknown; id: string };
    expect(completed.usage).toMatchObject({ input_tokens: 28, output_tokens: 9, total_tokens: 37, input_tokens_details: { cached_tokens: 5 } });
    // Ids announced at the start are the ones that carry the whole answer.
    expect((all[0]?.response as { id: string } | undefined)?.id).toBe(completed.id);
  });

  it('streams live under ids that carry nothing with store: false, and says so when one is referenced', async () => {
    const all = await events(await e2e.client.responses.create({ model: 'claude/claude-sonnet-4-5', input: 'Hi', stream: true, store: false }));
    expect(all.filter((e) => e.type === 'response.output_text.delta').length).toBe(4);
    const id = (all.at(-1)?.response as { id: string } | undefined)?.id;
    const error = await rejectionOf(APIError, e2e.client.responses.create({ model: 'claude/echo', input: 'Again', previous_response_id: id }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/store: false.*RouKey stores no content: send the whole conversation in input/);
  });

  it('refuses an id changed by one character, with what to send instead', async () => {
    const { id } = await e2e.client.responses.create({ model: 'claude/echo', input: 'Hi' });
    const changed = `${id.slice(0, -3)}${id.at(-3) === 'A' ? 'B' : 'A'}${id.slice(-2)}`;
    const error = await rejectionOf(APIError, e2e.client.responses.create({ model: 'claude/echo', input: 'x', previous_response_id: changed }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/previous_response_id is not an id RouKey issued to this account.*send the whole conversation in input/);
    expect((await rejectionOf(APIError, e2e.client.responses.retrieve(changed))).status).toBe(400);
  });

  it('refuses a built-in tool only OpenAI runs, naming it', async () => {
    const error = await rejectionOf(APIError, e2e.client.responses.create({ model: 'claude/echo', input: 'Hi', tools: [{ type: 'web_search' }] }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('web_search is a built-in tool that only OpenAI runs');
  });
});

const functionTool = {
  type: 'function' as const,
  name: 'get_weather',
  parameters: { type: 'object', properties: { location: { type: 'string' } } },
  strict: false,
};

describe('pass-through to a target that serves the Responses API', () => {
  it('sends the body as it is with the target model, and relays the answer, streamed and not', async () => {
    const whole = await e2e.client.responses.create({ model: 'fake/gpt-4o-mini', input: 'Hi', tools: [functionTool], store: true });
    expectValid('response', whole);
    const request = e2e.upstream.requests.at(-1);
    expect(request?.path).toBe('/v1/responses');
    expect(request?.body).toMatchObject({ model: 'gpt-4o-mini', input: 'Hi', store: true, tools: [functionTool] });
    expect(whole.id).toMatch(/^resp_\d+$/); // the provider's own id: the provider stores it
    const all = await events(await e2e.client.responses.create({ model: 'fake/tool-call', input: 'Weather?', stream: true }));
    expect(all.at(-1)?.type).toBe('response.completed');
    expect(all.find((e) => e.type === 'response.function_call_arguments.done')?.arguments).toBe(FAKE_RESPONSES_TOOL_ARGUMENTS);
  });

  it('works with the AI SDK, streamed and not, and its tool calls', async () => {
    expect((await generateText({ model: sdk('fake/gpt-4o-mini'), prompt: 'Hi' })).text).toBe(e2e.upstream.options.content);
    const streamed = streamText({ model: sdk('fake/tool-call'), prompt: 'Weather?', tools: { get_weather: weather } });
    expect((await streamed.toolCalls).map((c) => c.input)).toEqual([JSON.parse(FAKE_RESPONSES_TOOL_ARGUMENTS)]);
    const error = await rejectionOf(APICallError, generateText({ model: sdk('fake/fail-429'), prompt: 'Hi', maxRetries: 0 }));
    expect([error.statusCode, error.isRetryable]).toEqual([429, true]);
  });

  it("opens RouKey's own ids before passing through, so a conversation can move between targets", async () => {
    const first = await e2e.client.responses.create({ model: 'claude/echo', input: 'Remember PLUM.' });
    await e2e.client.responses.create({ model: 'fake/gpt-4o-mini', input: 'Which word?', previous_response_id: first.id });
    const body = e2e.upstream.requests.at(-1)?.body;
    expect(body?.previous_response_id).toBeUndefined();
    expect(body?.input).toEqual([
      { type: 'message', role: 'user', content: 'Remember PLUM.' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Remember PLUM.' }] },
      { type: 'message', role: 'user', content: 'Which word?' },
    ]);
  });
});
