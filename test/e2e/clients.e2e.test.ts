import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import Anthropic from '@anthropic-ai/sdk';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { APICallError, generateText, jsonSchema, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import AnthropicV0 from 'anthropic-sdk-0';
import { FAKE_WEATHER_INPUT, startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { addProviderKey, startE2E, type E2EContext } from '../support/e2e-setup.js';

/**
 * The most used TypeScript clients, unmodified, against RouKey: each against an OpenAI-format upstream (`fake`,
 * an OpenAI key, so the Responses API passes through) and an Anthropic one (`claude`, translated). One runtime, one
 * table: every client does the same five things against both.
 */
let e2e: E2EContext;
let claude: FakeAnthropicUpstream;

beforeAll(async () => {
  claude = await startFakeAnthropicUpstream();
  e2e = await startE2E();
  expect(await addProviderKey(e2e.mgmt, { provider: 'anthropic', name: 'claude', apiKey: 'sk-ant-e2e', baseUrl: claude.baseUrl })).toBe(201);
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
  await claude?.close();
});

const TOOL_RESULT = 'sunny, 21 °C';
const WEATHER_SCHEMA = { type: 'object', properties: { location: { type: 'string' } } } as const;
const PROMPT = 'Weather in Paris?';

/** What every client is asked to do; `model` is `<provider key>/<fake mode>`. */
interface Driver {
  generate(model: string): Promise<string>;
  stream(model: string): Promise<string>;
  toolCall(model: string): Promise<{ name: string; args: unknown }>;
  /** Calls the tool, sends its result back, and returns the final text. */
  toolLoop(model: string): Promise<string>;
  /** The error a 429 surfaces as, checked to be the client's own retryable kind; its status. */
  rateLimited(model: string): Promise<number>;
}

function aiSdkDriver(model: (id: string) => LanguageModel): Driver {
  const weather = tool({ description: 'Weather by city', inputSchema: jsonSchema<Record<string, unknown>>(WEATHER_SCHEMA) });
  return {
    generate: async (id) => (await generateText({ model: model(id), prompt: 'Hi' })).text,
    stream: (id) => streamText({ model: model(id), prompt: 'Hi' }).text as Promise<string>,
    async toolCall(id) {
      const [call] = (await generateText({ model: model(id), prompt: PROMPT, tools: { get_weather: weather } })).toolCalls;
      return { name: call?.toolName ?? '', args: call?.input };
    },
    async toolLoop(id) {
      const tools = { get_weather: tool({ ...weather, execute: async () => TOOL_RESULT }) };
      return (await generateText({ model: model(id), prompt: PROMPT, tools, stopWhen: stepCountIs(2) })).text;
    },
    async rateLimited(id) {
      const error = await generateText({ model: model(id), prompt: 'Hi', maxRetries: 0 }).catch((err: unknown) => err);
      expect(APICallError.isInstance(error)).toBe(true);
      expect((error as APICallError).isRetryable).toBe(true);
      return (error as APICallError).statusCode ?? 0;
    },
  };
}

function langChainDriver(): Driver {
  const chat = (model: string) => new ChatOpenAI({ model, apiKey: e2e.apiKey, configuration: { baseURL: `${e2e.gatewayUrl}/v1` }, maxRetries: 0 });
  const withTool = (model: string) =>
    chat(model).bindTools([{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: WEATHER_SCHEMA } }]);
  return {
    generate: async (model) => String((await chat(model).invoke('Hi')).content),
    async stream(model) {
      let text = '';
      for await (const chunk of await chat(model).stream('Hi')) text += String(chunk.content);
      return text;
    },
    async toolCall(model) {
      const [call] = (await withTool(model).invoke(PROMPT)).tool_calls ?? [];
      return { name: call?.name ?? '', args: call?.args };
    },
    async toolLoop(model) {
      const first = await withTool(model).invoke([new HumanMessage(PROMPT)]);
      const call = first.tool_calls?.[0];
      const answer = await withTool(model).invoke([
        new HumanMessage(PROMPT),
        new AIMessage({ content: first.content, tool_calls: first.tool_calls }),
        new ToolMessage({ content: TOOL_RESULT, tool_call_id: call?.id ?? '' }),
      ]);
      return String(answer.content);
    },
    async rateLimited(model) {
      const error = (await chat(model)
        .invoke('Hi')
        .catch((err: unknown) => err)) as { status?: number; lc_error_code?: string };
      // LangChain's own rate-limit error code; its caller retries a 429 (given retries).
      expect(error.lc_error_code).toBe('MODEL_RATE_LIMIT');
      return error.status ?? 0;
    },
  };
}

/** Either line of the Anthropic SDK; typed as 1.x, whose calls used here 0.x shares. */
type AnthropicSdk = (new (options: {
  apiKey: string;
  baseURL: string;
  maxRetries: number;
}) => unknown) & { RateLimitError: abstract new (...args: never[]) => { status: number } };

function anthropicDriver(Sdk: AnthropicSdk): Driver {
  const client = () => new Sdk({ apiKey: e2e.apiKey, baseURL: e2e.gatewayUrl, maxRetries: 0 }) as Anthropic;
  const tools = [{ name: 'get_weather', description: 'Weather by city', input_schema: WEATHER_SCHEMA }];
  const ask = { max_tokens: 256, messages: [{ role: 'user' as const, content: PROMPT }] };
  const text = (content: Array<{ type: string; text?: string }>) => content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return {
    generate: async (model) => text((await client().messages.create({ model, ...ask })).content),
    stream: (model) =>
      client()
        .messages.stream({ model, ...ask })
        .finalText(),
    async toolCall(model) {
      const block = (await client().messages.create({ model, ...ask, tools })).content.find((b) => b.type === 'tool_use');
      return { name: block?.type === 'tool_use' ? block.name : '', args: block?.type === 'tool_use' ? block.input : undefined };
    },
    async toolLoop(model) {
      const first = await client().messages.create({ model, ...ask, tools });
      const use = first.content.find((b) => b.type === 'tool_use');
      const messages = [
        ...ask.messages,
        { role: 'assistant' as const, content: first.content },
        { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: use?.type === 'tool_use' ? use.id : '', content: TOOL_RESULT }] },
      ];
      return text((await client().messages.create({ model, max_tokens: 256, messages, tools })).content);
    },
    async rateLimited(model) {
      const error = await client()
        .messages.create({ model, ...ask })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(Sdk.RateLimitError);
      return (error as { status: number }).status;
    },
  };
}

const CLIENTS: ReadonlyArray<readonly [string, () => Driver]> = [
  ['the Vercel AI SDK, openai(model) on the Responses API', () => aiSdkDriver(createOpenAI({ baseURL: `${e2e.gatewayUrl}/v1`, apiKey: e2e.apiKey }))],
  ['the Vercel AI SDK, @ai-sdk/anthropic', () => aiSdkDriver(createAnthropic({ baseURL: `${e2e.gatewayUrl}/v1`, apiKey: e2e.apiKey }))],
  ["LangChain's ChatOpenAI", langChainDriver],
  ['@anthropic-ai/sdk 0.x', () => anthropicDriver(AnthropicV0)],
  ['@anthropic-ai/sdk 1.x', () => anthropicDriver(Anthropic)],
];

/** What each fake answers: its text, and the arguments of its tool call. */
const UPSTREAMS = [
  ['an OpenAI-format upstream', 'fake', () => e2e.upstream.options.content, { location: 'Paris, France', unit: 'celsius' }],
  ['an Anthropic-format upstream', 'claude', () => claude.options.content, FAKE_WEATHER_INPUT],
] as const;

const MATRIX = CLIENTS.flatMap(([client, driver]) =>
  UPSTREAMS.map(([upstream, key, content, args]) => [client, upstream, { driver, key, content, args }] as const),
);

describe.each(MATRIX)('%s against %s', (_client, _upstream, { driver, key, content, args }) => {
  let d: Driver;
  beforeAll(() => {
    d = driver();
  });

  it('generates text', async () => {
    expect(await d.generate(`${key}/ok`)).toBe(content());
  }, 20_000);

  it('streams text', async () => {
    expect(await d.stream(`${key}/ok`)).toBe(content());
  });

  it('calls a tool with the exact arguments', async () => {
    expect(await d.toolCall(`${key}/tool-call`)).toEqual({ name: 'get_weather', args });
  });

  it('runs a two-step tool loop', async () => {
    expect(await d.toolLoop(`${key}/tool-loop`)).toBe(`The weather: ${TOOL_RESULT}`);
  });

  it("surfaces an upstream 429 as the client's own retryable error", async () => {
    expect(await d.rateLimited(`${key}/fail-429`)).toBe(429);
  });
});
