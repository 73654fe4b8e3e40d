import { APIError } from 'openai';
import { expectValid } from '../support/openai-schema.js';
import { postChat, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { rejectionOf } from '../support/thrown.js';
import { expectMappedFailure, readBrokenStream } from '../support/mapped-failure.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];

let e2e: E2EContext;

beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
});

/** The error a call through the official client failed with (fails the test when the call succeeded). */
const failure = (call: Promise<unknown>): Promise<APIError> => rejectionOf(APIError, call);

describe('POST /v1/chat/completions through the official openai client', () => {
  it('answers a non-streamed request with the upstream completion and the routing headers', async () => {
    const { data, response } = await e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages }).withResponse();
    expectValid('completion', data);
    expect(data.choices[0]?.message.content).toBe(e2e.upstream.options.content);
    expect(data.usage?.total_tokens).toBe(18);
    expect(response.headers.get('x-roukey-provider')).toBe('openai');
    expect(response.headers.get('x-roukey-model')).toBe('fake/gpt-4o-mini');
    expect(response.headers.get('x-roukey-request-id')).toMatch(/\S{8,}/);
    const sent = e2e.upstream.requests.at(-1)!;
    expect(sent.body?.model).toBe('gpt-4o-mini');
    expect(sent.headers.authorization).toBe(`Bearer ${e2e.providerSecret}`);
  });

  it('passes unknown request fields through to the upstream unchanged', async () => {
    await e2e.client.chat.completions.create({
      model: 'fake/gpt-4o-mini',
      messages,
      // @ts-expect-error a field the client does not know, as a newer API might add
      roukey_future_field: { nested: [1, 2] },
      temperature: 0.3,
    });
    const sent = e2e.upstream.requests.at(-1)!;
    expect(sent.body?.roukey_future_field).toEqual({ nested: [1, 2] });
    expect(sent.body?.temperature).toBe(0.3);
  });

  it('streams chunks as the upstream sends them, not all at the end', async () => {
    // The upstream sends each content chunk only once the client has received the one before: a gateway that
    // buffered the answer would never see the rest.
    let received = 0;
    let receivedOne: () => void = () => undefined;
    e2e.upstream.configure({
      chunkCount: 4,
      beforeChunk: async (index) => {
        while (received < index) await new Promise<void>((resolve) => (receivedOne = resolve));
      },
    });
    try {
      const stream = await e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages, stream: true });
      let text = '';
      for await (const chunk of stream) {
        expectValid('chunk', chunk);
        const content = chunk.choices[0]?.delta.content ?? '';
        text += content;
        if (content) {
          received++;
          receivedOne();
        }
      }
      expect(text).toBe(e2e.upstream.options.content);
      expect(received).toBe(4);
    } finally {
      e2e.upstream.configure({ beforeChunk: undefined });
    }
  });

  it('sends usage in the stream only when stream_options.include_usage asks for it', async () => {
    const withUsage = await e2e.client.chat.completions.create({
      model: 'fake/gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const usages = [];
    for await (const chunk of withUsage) if (chunk.usage) usages.push(chunk.usage);
    expect(usages).toHaveLength(1);
    expect(usages[0]).toMatchObject({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });

    const without = await e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages, stream: true });
    let usageChunks = 0;
    for await (const chunk of without) if (chunk.usage) usageChunks++;
    expect(usageChunks).toBe(0);
  });

  it('reassembles a streamed tool call exactly', async () => {
    const stream = await e2e.client.chat.completions.create({
      model: 'fake/tool-call',
      messages,
      stream: true,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    let args = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(args)).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(finish).toBe('tool_calls');
  });

  it.each(['gpt-4o-mini', 'tool-call'])('assembles the streamed answer into exactly the non-streamed one (%s)', async (model) => {
    const body = {
      model: `fake/${model}`,
      messages,
      tools: [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }],
    };
    const whole = await e2e.client.chat.completions.create(body);
    const stream = await e2e.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    let content = '';
    const calls: { id?: string; name?: string; arguments: string }[] = [];
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      content += choice?.delta.content ?? '';
      for (const call of choice?.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { arguments: '' });
        slot.id ??= call.id;
        slot.name ??= call.function?.name;
        slot.arguments += call.function?.arguments ?? '';
      }
      finish = choice?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    const message = whole.choices[0]!.message;
    expect(content).toBe(message.content ?? '');
    expect(calls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.parse(c.arguments) }))).toEqual(
      (message.tool_calls ?? []).map((c) => ({
        id: c.id,
        name: c.type === 'function' ? c.function.name : undefined,
        arguments: c.type === 'function' ? JSON.parse(c.function.arguments) : undefined,
      })),
    );
    expect(finish).toBe(whole.choices[0]!.finish_reason);
    expect(usage).toEqual(whole.usage);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    const controller = new AbortController();
    const stream = await e2e.client.chat.completions.create({ model: 'fake/slow-stream', messages, stream: true }, { signal: controller.signal });
    let received = 0;
    await (async () => {
      for await (const _chunk of stream) {
        received++;
        controller.abort();
      }
    })().catch(() => undefined);
    // The role-only chunk is held back until the first token, so the two come together; the rest never do.
    expect(received).toBeGreaterThanOrEqual(1);
    expect(received).toBeLessThanOrEqual(2);
    // The upstream answers slowly (200 ms a chunk): only RouKey passing the abort on makes it see the disconnect.
    const upstreamSide = await e2e.upstream.waitFor((r) => r.mode === 'slow-stream' && r.closed, 5_000);
    expect(upstreamSide.clientAborted).toBe(true);
  });
});

describe('errors: OpenAI shape, faithful status, never a 200', () => {
  it('400 names the field for a body that is not JSON or misses messages', async () => {
    const notJson = await postChat(e2e.gatewayUrl, e2e.apiKey, '{"model":');
    expect(notJson.status).toBe(400);
    expectValid('error', notJson.json);

    const noMessages = await failure(e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini' } as never));
    expect(noMessages.status).toBe(400);
    expect(noMessages.param).toBe('messages');
    expectValid('error', { error: noMessages.error });
  });

  it('401 for an unknown key and for a revoked key', async () => {
    const unknown = await postChat(e2e.gatewayUrl, 'rk_not-a-real-key-0000000000000000000000000', JSON.stringify({ model: 'fake/x', messages }));
    expect(unknown.status).toBe(401);
    expectValid('error', unknown.json);

    const created = await e2e.mgmt('POST', '/v1/api-keys', { name: 'to-revoke' });
    expect((await e2e.mgmt('DELETE', `/v1/api-keys/${created.json.id}`)).status).toBe(204);
    const revoked = await postChat(e2e.gatewayUrl, created.json.key, JSON.stringify({ model: 'fake/x', messages }));
    expect(revoked.status).toBe(401);
    expectValid('error', revoked.json);
  });

  it('404 for a provider key name the account does not have', async () => {
    const err = await failure(e2e.client.chat.completions.create({ model: 'nobody/gpt-4o', messages }));
    expect(err.status).toBe(404);
    expectValid('error', { error: err.error });
  });

  it.each([
    ['fail-401', 424],
    ['fail-403', 424],
    ['fail-429', 429],
    ['fail-500', 502],
    ['fail-503', 502],
    ['reset', 502],
    ['fail-400', 400],
  ])('upstream %s → %i, streamed or not', async (mode, status) => {
    await expectMappedFailure(e2e.client, `fake/${mode}`, status, '7');
  });

  it.each(['reset-stream', 'cut-stream', 'error-stream'])(
    'ends a stream the upstream breaks mid-way (%s) with an error event, not a silent truncation',
    async (mode) => {
      e2e.upstream.configure({ chunkDelayMs: 30 });
      try {
        const { text, error } = await readBrokenStream(e2e.client, `fake/${mode}`);
        expect(text.length).toBeGreaterThan(0);
        // RouKey's own words for a broken stream; an upstream's error event passes through as it was sent.
        if (mode !== 'error-stream') expect(error.message).toMatch(/provider|upstream/i);
      } finally {
        e2e.upstream.configure({ chunkDelayMs: 0 });
      }
    },
  );
});

describe('metadata', () => {
  it('P3: records one metadata item per request, with tokens, status and timings, after the response ends', async () => {
    // Earlier tests' records may still be landing (writes are batched locally), so this test's are told by time.
    const since = new Date().toISOString();
    await e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages });
    const stream = await e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages, stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    await failure(e2e.client.chat.completions.create({ model: 'fake/fail-500', messages }));
    const fresh = (await waitForActivity(since, 3)).filter((i) => i.startedAt >= since);
    expect(fresh).toHaveLength(3);
    const [plain, streamed, failed] = ['false-200', 'true-200', 'false-502'].map((k) => fresh.find((i) => `${i.stream}-${i.status}` === k));
    expect(plain).toMatchObject({ kind: 'request', provider: 'openai', model: 'gpt-4o-mini', promptTokens: 11, completionTokens: 7, apiKeyId: e2e.apiKeyId });
    // From the catalog's gpt-4o-mini prices: 8 fresh and 3 cached prompt tokens, 7 completion tokens.
    expect(plain!.costUsd).toBeCloseTo((8 * 0.15 + 3 * 0.075 + 7 * 0.6) / 1e6, 12);
    expect(plain!.usageEstimated).toBeUndefined();
    expect(streamed).toMatchObject({ promptTokens: 11, completionTokens: 7, finishReason: 'stop' });
    expect(typeof streamed!.ttftMs).toBe('number');
    expect(failed).toMatchObject({ errorType: 'upstream_error' });
    for (const item of fresh) expect(item.expiresAt).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
  });
});

describe('model catalog', () => {
  it('refuses what the model cannot do with a 400 naming the field, before any upstream call', async () => {
    const before = e2e.upstream.requests.length;
    const err = await failure(e2e.client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages, reasoning_effort: 'high' }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('reasoning_effort');
    expectValid('error', { error: err.error });
    expect(e2e.upstream.requests.length).toBe(before);
  });

  it('estimates usage, and says so, when the upstream reports none', async () => {
    const since = new Date().toISOString();
    const prompt = [{ role: 'user' as const, content: 'A prompt of some length, to be counted by estimate rather than by the upstream.' }];
    await e2e.client.chat.completions.create({ model: 'fake/no-usage', messages: prompt });
    const stream = await e2e.client.chat.completions.create({ model: 'fake/no-usage', messages: prompt, stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    const items = (await waitForActivity(since, 2)).filter((i) => i.startedAt >= since);
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.usageEstimated).toBe(true);
      expect(item.promptTokens).toBeGreaterThan(10);
      expect(item.completionTokens).toBeGreaterThan(10);
    }
  });
});

describe('GET /v1/models', () => {
  it('lists <provider-key name>/<model> ids from the upstream model list', async () => {
    const page = await e2e.client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['fake/gpt-4o-mini', 'fake/gpt-4o']));
    const res = await fetch(`${e2e.gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${e2e.apiKey}` } });
    expectValid('models', await res.json());
  });
});

async function activityItems(): Promise<Record<string, any>[]> {
  return (await scanRuntimeTables(e2e.local)).activity;
}

async function waitForActivity(since: string, count: number): Promise<Record<string, any>[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const items = await activityItems();
    if (items.filter((i) => i.startedAt >= since).length >= count || Date.now() > deadline) return items;
    await new Promise((r) => setTimeout(r, 50));
  }
}
