import OpenAI, { APIError } from 'openai';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { expectValid } from '../../support/openai-schema.js';
import { captureOutput } from '../../support/capture-output.js';
import { PRINCIPAL, RK_KEY, portDoubles, startHandlerServer, waitFor, type PortDoubles } from '../../fakes/router-harness.js';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const bedrockMock = mockClient(BedrockRuntimeClient);
let ports: PortDoubles;
let server: { url: string; close(): Promise<void> };
let client: OpenAI;

beforeAll(async () => {
  ports = portDoubles();
  ports.providerKeys.set('aws', { providerKeyId: 'pk_bedrock', name: 'aws', provider: 'bedrock', region: 'us-west-2', apiKey: '' });
  server = await startHandlerServer(ports.deps);
  client = new OpenAI({ apiKey: RK_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
});
beforeEach(() => bedrockMock.reset());
afterAll(async () => {
  bedrockMock.restore();
  await server.close();
});

async function* events(list: ConverseStreamOutput[], then?: () => Promise<void>): AsyncGenerator<ConverseStreamOutput> {
  for (const event of list) yield event;
  await then?.();
}

const meta = { $metadata: {} };

describe('bedrock adapter through the gateway (SDK mocked)', () => {
  it('answers a non-streamed completion from Converse: text, reasoning, usage with cache reads', async () => {
    bedrockMock.on(ConverseCommand).resolves({
      ...meta,
      output: {
        message: { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Think.' } } }, { text: 'Hello ' }, { text: 'there.' }] },
      },
      stopReason: 'end_turn',
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 20, cacheReadInputTokens: 5 },
      metrics: { latencyMs: 100 },
    });
    const completion = await client.chat.completions.create({
      model: `aws/${MODEL}`,
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 50,
    });
    expectValid('completion', completion);
    expect(completion.model).toBe(MODEL);
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'Hello there.', reasoning_content: 'Think.' },
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 5, total_tokens: 20, prompt_tokens_details: { cached_tokens: 5 } });

    const [call] = bedrockMock.commandCalls(ConverseCommand);
    expect(call!.args[0].input).toEqual({
      modelId: MODEL,
      system: [{ text: 'Be kind.' }],
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      inferenceConfig: { maxTokens: 50 },
    });
    expect(await bedrockMock.call(0).thisValue.config.region()).toBe('us-west-2');
  });

  it('sends images to the SDK as bytes', async () => {
    bedrockMock.on(ConverseCommand).resolves({ ...meta, output: { message: { role: 'assistant', content: [{ text: 'A dot.' }] } }, stopReason: 'end_turn' });
    await client.chat.completions.create({
      model: `aws/${MODEL}`,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAEC' } }] }],
    });
    const image = (
      bedrockMock.commandCalls(ConverseCommand)[0]!.args[0].input.messages![0]!.content![0] as { image: { format: string; source: { bytes: Uint8Array } } }
    ).image;
    expect(image.format).toBe('png');
    expect([...image.source.bytes]).toEqual([0, 1, 2]);
  });

  it.each([
    ['tool_use', 'tool_calls'],
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
  ] as const)('maps stopReason %s to finish_reason %s', async (stopReason, finishReason) => {
    const content = stopReason === 'tool_use' ? [{ toolUse: { toolUseId: 'tooluse_a', name: 'f', input: { x: 1 } } }] : [{ text: 'x' }];
    bedrockMock.on(ConverseCommand).resolves({ ...meta, output: { message: { role: 'assistant', content } }, stopReason });
    const completion = await client.chat.completions.create({ model: `aws/${MODEL}`, messages: [{ role: 'user', content: 'x' }] });
    expectValid('completion', completion);
    expect(completion.choices[0]!.finish_reason).toBe(finishReason);
    if (stopReason === 'tool_use') {
      expect(completion.choices[0]!.message.content).toBeNull();
      expect(completion.choices[0]!.message.tool_calls).toEqual([{ id: 'tooluse_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }]);
    }
  });

  it('streams text, reasoning and two parallel tool uses whose input arrives in many deltas, ending with usage', async () => {
    const split = (s: string, n: number) => s.match(new RegExp(`.{1,${n}}`, 'g'))!;
    const toolDeltas = (index: number, json: string) =>
      split(json, 3).map((input) => ({ contentBlockDelta: { contentBlockIndex: index, delta: { toolUse: { input } } } }));
    bedrockMock.on(ConverseStreamCommand).resolves({
      ...meta,
      stream: events([
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Two cities.' } } } },
        { contentBlockStop: { contentBlockIndex: 0 } },
        { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'Checking ' } } },
        { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'both.' } } },
        { contentBlockStop: { contentBlockIndex: 1 } },
        { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_p', name: 'get_weather' } } } },
        ...toolDeltas(2, '{"city":"Paris"}'),
        { contentBlockStop: { contentBlockIndex: 2 } },
        { contentBlockStart: { contentBlockIndex: 3, start: { toolUse: { toolUseId: 'tooluse_r', name: 'get_weather' } } } },
        ...toolDeltas(3, '{"city":"Rome","unit":"C"}'),
        { contentBlockStop: { contentBlockIndex: 3 } },
        { messageStop: { stopReason: 'tool_use' } },
        { metadata: { usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 }, metrics: { latencyMs: 5 } } },
      ]),
    });
    const stream = await client.chat.completions.create({
      model: `aws/${MODEL}`,
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let reasoning = '';
    const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
    const finishes: string[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      expectValid('chunk', chunk);
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        const delta = choice.delta as typeof choice.delta & { reasoning_content?: string };
        text += delta.content ?? '';
        reasoning += delta.reasoning_content ?? '';
        for (const call of delta.tool_calls ?? []) {
          calls[call.index] ??= { arguments: '' };
          if (call.id) calls[call.index]!.id = call.id;
          if (call.function?.name) calls[call.index]!.name = call.function.name;
          calls[call.index]!.arguments += call.function?.arguments ?? '';
        }
        if (choice.finish_reason) finishes.push(choice.finish_reason);
      }
    }
    expect(text).toBe('Checking both.');
    expect(reasoning).toBe('Two cities.');
    expect(calls).toEqual([
      { id: 'tooluse_p', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'tooluse_r', name: 'get_weather', arguments: '{"city":"Rome","unit":"C"}' },
    ]);
    expect(finishes).toEqual(['tool_calls']);
    expect(usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 });
    const record = await waitFor(() => ports.records.find((r) => r.stream && r.finishReason === 'tool_calls'));
    expect(record).toMatchObject({ provider: 'bedrock', status: 200, promptTokens: 30, completionTokens: 12 });
  });

  it('reports a stream cut before messageStop as an error event, never a silent end', async () => {
    bedrockMock.on(ConverseStreamCommand).resolves({
      ...meta,
      stream: events([{ messageStart: { role: 'assistant' } }, { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Partial' } } }], async () => {
        throw new ModelStreamErrorException({ message: 'model stream broke', ...meta });
      }),
    });
    const stream = await client.chat.completions.create({ model: `aws/${MODEL}`, messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow(/model stream broke/);
    expect(text).toBe('Partial');
  });

  it.each([
    ['ThrottlingException', 429, () => new ThrottlingException({ message: 'Too many requests', ...meta })],
    ['AccessDeniedException', 424, () => new AccessDeniedException({ message: 'not authorized', ...meta })],
    ['ValidationException', 400, () => new ValidationException({ message: 'bad model input', ...meta })],
    ['ModelNotReadyException', 502, () => new ModelNotReadyException({ message: 'not ready', ...meta })],
    ['ServiceUnavailableException', 502, () => new ServiceUnavailableException({ message: 'unavailable', ...meta })],
    ['InternalServerException', 502, () => new InternalServerException({ message: 'internal', ...meta })],
    ['ModelTimeoutException', 504, () => new ModelTimeoutException({ message: 'timed out', ...meta })],
  ] as const)('maps %s to HTTP %i, streamed or not', async (_name, status, error) => {
    bedrockMock.on(ConverseCommand).rejects(error()).on(ConverseStreamCommand).rejects(error());
    for (const stream of [false, true]) {
      const err = await client.chat.completions.create({ model: `aws/${MODEL}`, messages: [{ role: 'user', content: 'x' }], stream }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).status).toBe(status);
      expectValid('error', { error: (err as APIError).error });
    }
    if (status === 400) expect(bedrockMock.commandCalls(ConverseCommand)).toHaveLength(1);
  });

  it('keeps the status of an exception that is the stream’s first event (a throttle)', async () => {
    bedrockMock.on(ConverseStreamCommand).resolves({
      ...meta,
      stream: events([], async () => {
        throw new ThrottlingException({ message: 'Too many tokens', ...meta });
      }),
    });
    const err = await client.chat.completions
      .create({ model: `aws/${MODEL}`, messages: [{ role: 'user', content: 'x' }], stream: true })
      .catch((e: unknown) => e);
    expect((err as APIError).status).toBe(429);
  });

  it('aborts the SDK call when the client goes away', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    bedrockMock.on(ConverseStreamCommand).resolves({
      ...meta,
      stream: events([{ messageStart: { role: 'assistant' } }, { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'first' } } }], () => hold),
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: `aws/${MODEL}`, messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    // The SDK's send(command, { abortSignal }): its second argument is not in the mock's typed signature.
    const signal = (bedrockMock.commandCalls(ConverseStreamCommand)[0]!.args as unknown[])[1] as { abortSignal: AbortSignal };
    expect(signal.abortSignal.aborted).toBe(false);
    controller.abort();
    await waitFor(() => (signal.abortSignal.aborted ? true : undefined));
    release();
    const record = await waitFor(() => ports.records.find((r) => r.errorType === 'client_disconnected' && r.provider === 'bedrock'));
    expect(record.status).toBe(200);
  });

  it('asks Bedrock for no model list (ListFoundationModels is another service) and still answers /v1/models', async () => {
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${RK_KEY}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expectValid('models', body);
    // Whatever is listed for the key (a catalog, say) comes from RouKey itself, under the key's name.
    expect(body.data.every((m: { id: string }) => m.id.startsWith('aws/'))).toBe(true);
    expect(bedrockMock.calls()).toHaveLength(0);
  });

  it('P1: a canary in the prompt and the answer reaches no log line or activity record', async () => {
    const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
    const output = captureOutput();
    try {
      bedrockMock
        .on(ConverseCommand)
        .resolves({ ...meta, output: { message: { role: 'assistant', content: [{ text: `echo ${canary}` }] } }, stopReason: 'end_turn' });
      bedrockMock.on(ConverseStreamCommand).resolves({
        ...meta,
        stream: events([
          { messageStart: { role: 'assistant' } },
          { contentBlockDelta: { contentBlockIndex: 0, delta: { text: canary } } },
          { messageStop: { stopReason: 'end_turn' } },
        ]),
      });
      const answer = await client.chat.completions.create({ model: `aws/${MODEL}`, messages: [{ role: 'user', content: `say ${canary}` }] });
      expect(answer.choices[0]!.message.content).toContain(canary);
      let streamed = '';
      for await (const chunk of await client.chat.completions.create({
        model: `aws/${MODEL}`,
        messages: [{ role: 'user', content: `say ${canary}` }],
        stream: true,
      })) {
        streamed += chunk.choices[0]?.delta.content ?? '';
      }
      expect(streamed).toBe(canary);
      bedrockMock.on(ConverseCommand).rejects(new ValidationException({ message: 'Malformed input request', ...meta }));
      await expect(client.chat.completions.create({ model: `aws/${MODEL}`, messages: [{ role: 'user', content: canary }] })).rejects.toBeInstanceOf(APIError);
      await waitFor(() => (ports.records.filter((r) => r.provider === 'bedrock').length >= 3 ? true : undefined));
    } finally {
      output.restore();
    }
    expect(output.text()).not.toContain(canary);
    expect(ports.logs.join('\n')).not.toContain(canary);
    expect(JSON.stringify(ports.records)).not.toContain(canary);
    expect(ports.records.every((r) => r.accountId === PRINCIPAL.accountId)).toBe(true);
  });
});
