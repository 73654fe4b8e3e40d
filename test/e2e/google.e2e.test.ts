import { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { expectValid } from '../support/openai-schema.js';
import { addProviderKey, provisionGateway, scanRuntimeTables, type ProvisionedGateway } from '../support/e2e-setup.js';
import { canaryPrompt, newCanary, recordOutcome, settleMetadataWrites } from '../support/canary.js';
import { rejectionOf } from '../support/thrown.js';
import { FAKE_FUNCTION_CALLS, FAKE_THOUGHT, FAKE_THOUGHT_SIGNATURE, startFakeGoogleUpstream, type FakeGoogleUpstream } from '../fakes/google-upstream.js';
import { expectMappedFailure } from '../support/mapped-failure.js';

/** The local runtime with a `google` provider key named `gemini` pointing at the fake Gemini server. */
let ctx: ProvisionedGateway;
let fake: FakeGoogleUpstream;
let output: OutputCapture;
const geminiKey = `AIza-e2e-${crypto.randomUUID()}`;
const messages = [{ role: 'user' as const, content: 'Say hello.' }];

beforeAll(async () => {
  output = captureOutput();
  fake = await startFakeGoogleUpstream();
  ctx = await provisionGateway(fake.baseUrl);
  const status = await addProviderKey(ctx.mgmt, { provider: 'google', name: 'gemini', apiKey: geminiKey, baseUrl: fake.baseUrl });
  if (status !== 201) throw new Error(`google provider key not created: ${status}`);
}, 60_000);

afterAll(async () => {
  output?.restore();
  await ctx?.stop();
  await fake?.close();
});

async function failure(call: Promise<unknown>): Promise<APIError> {
  return rejectionOf(
    APIError,
    call.then(async (result) => {
      // A stream that fails after its status reports the error in-band; iterating surfaces it.
      if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') for await (const _ of result as AsyncIterable<unknown>);
    }),
  );
}

async function chunksOf(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    expectValid('chunk', chunk);
    out.push(chunk);
  }
  return out;
}

/** A streamed answer assembled as a client would: content, reasoning and tool calls by index. */
function assemble(chunks: ChatCompletionChunk[]) {
  let content = '';
  let reasoning = '';
  let finish: string | null = null;
  const calls: Array<{ name: string; arguments: string }> = [];
  for (const chunk of chunks) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    content += choice.delta.content ?? '';
    reasoning += (choice.delta as { reasoning_content?: string }).reasoning_content ?? '';
    for (const call of choice.delta.tool_calls ?? []) {
      calls[call.index] ??= { name: '', arguments: '' };
      calls[call.index]!.name += call.function?.name ?? '';
      calls[call.index]!.arguments += call.function?.arguments ?? '';
    }
    finish = choice.finish_reason ?? finish;
  }
  return { content, reasoning, finish, calls };
}

describe('the google provider through RouKey with the official openai client', () => {
  it('answers a non-streamed request from Gemini, with usage and routing headers', async () => {
    const { data, response } = await ctx.client.chat.completions
      .create({ model: 'gemini/gemini-2.5-flash', messages, temperature: 0.2, max_tokens: 64 })
      .withResponse();
    expectValid('completion', data);
    expect(data.choices[0]?.message.content).toBe(fake.options.content);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 8, total_tokens: 20, prompt_tokens_details: { cached_tokens: 4 } });
    expect(response.headers.get('x-roukey-provider')).toBe('google');
    expect(response.headers.get('x-roukey-model')).toBe('gemini/gemini-2.5-flash');
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(geminiKey);
    expect(sent.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }], generationConfig: { temperature: 0.2, maxOutputTokens: 64 } });
  });

  it('streams; the assembled stream equals the non-streamed answer, and usage comes when asked for', async () => {
    const whole = await ctx.client.chat.completions.create({ model: 'gemini/thinking', messages, reasoning_effort: 'low' });
    const chunks = await chunksOf(
      await ctx.client.chat.completions.create({
        model: 'gemini/thinking',
        messages,
        reasoning_effort: 'low',
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(fake.requests.at(-1)!.query).toBe('alt=sse');
    const streamed = assemble(chunks);
    const message = whole.choices[0]!.message as (typeof whole.choices)[0]['message'] & { reasoning_content?: string };
    expect(streamed.content).toBe(message.content);
    expect(streamed.reasoning).toBe(message.reasoning_content);
    expect(streamed.reasoning).toBe(FAKE_THOUGHT);
    expect(streamed.finish).toBe(whole.choices[0]!.finish_reason);
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual(whole.usage);
    // Without include_usage, no usage chunk reaches the client.
    const plain = await chunksOf(await ctx.client.chat.completions.create({ model: 'gemini/gemini-2.5-flash', messages, stream: true }));
    expect(plain.some((c) => c.usage)).toBe(false);
  });

  it('returns tool call arguments exactly, streamed and not, and sends tool results back as functionResponse', async () => {
    const tools = [
      { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } },
      { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } } } } },
    ];
    const whole = await ctx.client.chat.completions.create({ model: 'gemini/parallel-tools', messages, tools, tool_choice: 'required' });
    const calls = whole.choices[0]!.message.tool_calls!;
    expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
    expect(calls.map((c) => (c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : []))).toEqual(
      FAKE_FUNCTION_CALLS.map((f) => [f.name, f.args]),
    );
    expect(fake.requests.at(-1)!.body?.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });

    const streamed = assemble(await chunksOf(await ctx.client.chat.completions.create({ model: 'gemini/parallel-tools', messages, tools, stream: true })));
    expect(streamed.finish).toBe('tool_calls');
    expect(streamed.calls).toEqual(calls.map((c) => (c.type === 'function' ? { name: c.function.name, arguments: c.function.arguments } : undefined)));

    // The next turn, as an app sends it: the assistant message as received, then one result per call.
    await ctx.client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [
        ...messages,
        whole.choices[0]!.message,
        ...calls.map((c, i) => ({ role: 'tool' as const, tool_call_id: c.id, content: i === 0 ? '{"celsius":21}' : '14:05' })),
      ],
      tools,
    });
    const contents = fake.requests.at(-1)!.body?.contents as Array<{ role: string; parts: unknown[] }>;
    // The thought signature Gemini gave the call goes back with it (extra_content, as Google's own compatible API does).
    expect(contents[1]!.parts[0]).toMatchObject({ functionCall: FAKE_FUNCTION_CALLS[0], thoughtSignature: FAKE_THOUGHT_SIGNATURE });
    expect(contents[2]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_weather', response: { celsius: 21 } } },
        { functionResponse: { name: 'get_time', response: { result: '14:05' } } },
      ],
    });
  });

  it.each([
    ['fail-400', 400],
    ['fail-key', 424],
    ['fail-403', 424],
    ['fail-404', 404],
    ['fail-429', 429],
    ['fail-500', 502],
    ['fail-503', 502],
  ])("answers Gemini's %s with HTTP %i, streamed or not", async (mode, status) => {
    await expectMappedFailure(ctx.client, `gemini/${mode}`, status, '9');
  });

  it('400 naming the field for a parameter Gemini cannot take, before any upstream call', async () => {
    const before = fake.requests.length;
    const err = await failure(ctx.client.chat.completions.create({ model: 'gemini/gemini-2.5-flash', messages, logit_bias: { '50256': -100 } }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('logit_bias');
    expect(fake.requests.length).toBe(before);
  });

  it('ends a stream that breaks off or reports an error with an error event, never a silent end', async () => {
    for (const mode of ['cut-stream', 'error-stream']) {
      const err = await failure(ctx.client.chat.completions.create({ model: `gemini/${mode}`, messages, stream: true }));
      expect(err.message).toMatch(/stream|overloaded/i);
    }
  });

  it('lists the Gemini chat models as gemini/<model>', async () => {
    const ids: string[] = [];
    for await (const model of ctx.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['gemini/gemini-2.5-flash', 'gemini/gemini-2.5-pro']));
    expect(ids).not.toContain('gemini/text-embedding-004');
  });

  it('P1: a canary in prompts, system prompt and answers through the google adapter reaches no table item and no log line', async () => {
    const canary = newCanary();
    const prompt = canaryPrompt(canary);
    const seen: string[] = [];
    // Error bodies only: the canary check on `seen` must not be met by an error message.
    const drive = (call: () => Promise<unknown>) => recordOutcome(seen, APIError, call, { errorMessage: false });
    const create = ctx.client.chat.completions.create.bind(ctx.client.chat.completions);
    await drive(() => create({ model: 'gemini/echo', messages: prompt }));
    await drive(() => create({ model: 'gemini/echo', messages: prompt, stream: true, stream_options: { include_usage: true } }));
    for (const mode of ['fail-400', 'fail-key', 'fail-429', 'fail-500', 'cut-stream', 'error-stream']) {
      await drive(() => create({ model: `gemini/${mode}`, messages: prompt }));
      await drive(() => create({ model: `gemini/${mode}`, messages: prompt, stream: true }));
    }
    await drive(() => create({ model: 'gemini/echo', messages: prompt, logit_bias: { [canary]: 1 } }));
    await drive(() => create({ model: 'gemini/echo', messages: [...prompt, { role: 'tool', tool_call_id: canary, content: canary }] }));
    await settleMetadataWrites(ctx.local.runtime);

    // The canary did travel: Gemini saw it, and the echoed answers carried it back.
    expect(JSON.stringify(fake.requests.map((r) => r.body))).toContain(canary);
    expect(seen.join('\n')).toContain(canary);
    const tables = await scanRuntimeTables(ctx.local);
    expect(tables.activity.some((item) => item.provider === 'google')).toBe(true);
    expect(JSON.stringify(tables)).not.toContain(canary);
    expect(output.text().length).toBeGreaterThan(0);
    expect(output.text()).not.toContain(canary);
    // Nor does the Gemini key, which did reach the fake.
    expect(fake.requests.some((r) => r.headers['x-goog-api-key'] === geminiKey)).toBe(true);
    expect(JSON.stringify(tables)).not.toContain(geminiKey);
    expect(output.text()).not.toContain(geminiKey);
  });
});
