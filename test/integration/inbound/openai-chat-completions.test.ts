import OpenAI, { APIError } from 'openai';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../fakes/openai-upstream.js';
import { expectValid } from '../../support/openai-schema.js';
import { PRINCIPAL, RK_KEY, portDoubles, startHandlerServer, waitFor, type PortDoubles } from '../../fakes/router-harness.js';

const PROVIDER_KEY = 'sk-fake-provider-PLAINTEXT-9d2c';
const CANARY = 'CANARY-ROUKEY-31f7c0de';

let fake: FakeOpenAIUpstream;
let ports: PortDoubles;
let server: { url: string; close(): Promise<void> };
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAIUpstream({ chunkCount: 4 });
  ports = portDoubles();
  ports.providerKeys.set('work', { providerKeyId: 'pk_work', name: 'work', provider: 'openai', baseUrl: fake.baseUrl, apiKey: PROVIDER_KEY });
  ports.providerKeys.set('evil', { providerKeyId: 'pk_evil', name: 'evil', provider: 'openai', baseUrl: 'http://169.254.169.254/v1', apiKey: 'x' });
  ports.refuseBaseUrls.add('http://169.254.169.254/v1');
  // Passes the URL check (as a name first resolving to a public address would), then resolves to loopback when
  // connecting, which the router (outside the local runtime) refuses: DNS rebinding.
  ports.providerKeys.set('rebound', {
    providerKeyId: 'pk_rebound',
    name: 'rebound',
    provider: 'openai',
    baseUrl: fake.baseUrl.replace('127.0.0.1', 'localhost'),
    apiKey: 'x',
  });
  server = await startHandlerServer(ports.deps);
  client = new OpenAI({ apiKey: RK_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await fake.close();
});
beforeEach(() => {
  fake.configure({ content: 'Hello from the fake upstream.', chunkDelayMs: 0, beforeChunk: undefined });
  ports.activityHold = undefined;
});

const messages = [{ role: 'user' as const, content: 'Say hello' }];
/** The activity record of the last response whose request id header is given. */
const recordOf = (requestId: string | null) => waitFor(() => ports.records.find((r) => r.requestId === requestId));

async function rawPost(body: string, headers: Record<string, string> = { authorization: `Bearer ${RK_KEY}` }) {
  const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { res, json: (await res.json()) as { error: { message: string; param: string | null; code: string | null } } };
}

describe('POST /v1/chat/completions, non-streamed', () => {
  it('answers a valid completion with the routing headers, and records its metadata after the response', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages, temperature: 0.3 }).withResponse();
    expectValid('completion', data);
    expect(data.choices[0]?.message.content).toBe('Hello from the fake upstream.');
    expect(response.headers.get('x-roukey-provider')).toBe('openai');
    expect(response.headers.get('x-roukey-model')).toBe('work/gpt-4o-mini');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const requestId = response.headers.get('x-roukey-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const upstream = fake.requests.at(-1)!;
    expect(upstream.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(upstream.body).toEqual({ model: 'gpt-4o-mini', messages, temperature: 0.3 });

    const record = await recordOf(requestId);
    expect(record).toMatchObject({
      accountId: PRINCIPAL.accountId,
      apiKeyId: PRINCIPAL.apiKeyId,
      status: 200,
      stream: false,
      provider: 'openai',
      providerKeyId: 'pk_work',
      model: 'gpt-4o-mini',
      promptTokens: 11,
      completionTokens: 7,
      totalTokens: 18,
      cachedTokens: 3,
      finishReason: 'stop',
    });
    expect(record.errorType).toBeUndefined();
    expect(ports.touches).toContainEqual(PRINCIPAL);
  });

  it('ends the response before the activity write (it is off the response path)', async () => {
    let release: () => void = () => undefined;
    ports.activityHold = new Promise((resolve) => (release = resolve));
    // The whole answer arrives while every activity write is held.
    const { data, response } = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from the fake upstream.');
    const requestId = response.headers.get('x-roukey-request-id');
    expect(ports.records.find((r) => r.requestId === requestId)).toBeUndefined();
    release();
    await recordOf(requestId);
  });
});

describe('POST /v1/chat/completions, streamed', () => {
  it('streams valid chunks, without usage unless asked, while metering usage for the record', async () => {
    const { data: stream, response } = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages, stream: true }).withResponse();
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-roukey-model')).toBe('work/gpt-4o-mini');
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    for (const c of chunks) {
      expectValid('chunk', c);
      expect(c).not.toHaveProperty('usage');
    }
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from the fake upstream.');
    expect(fake.requests.at(-1)!.body?.stream_options).toEqual({ include_usage: true });
    const record = await recordOf(response.headers.get('x-roukey-request-id'));
    expect(record).toMatchObject({ status: 200, stream: true, totalTokens: 18, finishReason: 'stop' });
    expect(record.ttftMs).toBeGreaterThanOrEqual(0);
    expect(record.ttftMs!).toBeLessThanOrEqual(record.latencyMs);
  });

  it('forwards the final usage chunk when the client asked for it', async () => {
    const stream = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    for (const c of chunks) expectValid('chunk', c);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } });
  });

  it('delivers each chunk as the upstream sends it, not once the answer is whole', async () => {
    // The upstream sends each content chunk only once the client has received the one before: a router that
    // held chunks back would never see the rest.
    const received: string[] = [];
    let receivedOne: () => void = () => undefined;
    fake.configure({
      beforeChunk: async (index) => {
        while (received.length < index) await new Promise<void>((resolve) => (receivedOne = resolve));
      },
    });
    const stream = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages, stream: true });
    for await (const c of stream) {
      const text = c.choices[0]?.delta.content;
      if (!text) continue;
      received.push(text);
      receivedOne();
    }
    expect(received).toHaveLength(4);
    expect(received.join('')).toBe('Hello from the fake upstream.');
  });

  it('streams a tool call split over chunks intact', async () => {
    const stream = await client.chat.completions.create({ model: 'work/tool-call', messages, stream: true });
    let args = '';
    let finish: string | null | undefined;
    for await (const c of stream) {
      expectValid('chunk', c);
      args += c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(args)).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(finish).toBe('tool_calls');
  });

  it.each(['cut-stream', 'reset-stream', 'error-stream'])('ends the stream with an SSE error event when the upstream fails mid-stream (%s)', async (mode) => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RK_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: `work/${mode}`, messages, stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = text
      .trim()
      .split('\n\n')
      .map((e) => e.replace(/^data: /, ''));
    expect(events.at(-1)).not.toBe('[DONE]');
    const last = JSON.parse(events.at(-1)!);
    expectValid('error', last);
    expect(last.error.type).toBe('upstream_error');
    for (const e of events.slice(0, -1)) expectValid('chunk', JSON.parse(e));
    const record = await recordOf(res.headers.get('x-roukey-request-id'));
    expect(record).toMatchObject({ status: 200, stream: true, errorType: 'upstream_error' });

    // The official client raises instead of treating the truncated stream as complete.
    const stream = await client.chat.completions.create({ model: `work/${mode}`, messages, stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toBeInstanceOf(APIError);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    fake.configure({ chunkDelayMs: 150 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'work/slow-stream', messages, stream: true }, { signal: controller.signal });
    const before = fake.requests.length;
    let received = 0;
    try {
      for await (const _ of stream) {
        received++;
        controller.abort();
      }
    } catch {
      // The client may raise its abort error or just stop: either way it has gone.
    }
    // The role-only chunk is held back until the first token, so the two come together; the other 4 never do.
    expect(received).toBeGreaterThanOrEqual(1);
    expect(received).toBeLessThanOrEqual(2);
    const upstream = await fake.waitFor((r) => fake.requests.indexOf(r) >= before - 1 && r.body?.model === 'slow-stream' && r.clientAborted);
    expect(upstream.clientAborted).toBe(true);
    const record = await waitFor(() => ports.records.find((r) => r.errorType === 'client_disconnected'));
    expect(record.stream).toBe(true);
  });
});

describe('POST /v1/chat/completions, errors (OpenAI shape, faithful status, never 200)', () => {
  async function failure(model: string, stream = false) {
    const err = await client.chat.completions.create({ model, messages, stream }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(APIError);
    const apiError = err as APIError;
    expectValid('error', { error: apiError.error });
    return apiError;
  }

  it.each([
    ['work/fail-401', 424, 'provider_auth_failed'],
    ['work/fail-403', 424, 'provider_auth_failed'],
    ['work/fail-429', 429, 'rate_limited'],
    ['work/fail-500', 502, 'upstream_error'],
    ['work/fail-503', 502, 'upstream_error'],
    ['work/reset', 502, 'upstream_error'],
    ['work/hang', 504, 'upstream_timeout'],
    ['work/fail-400', 400, 'invalid_request'],
    ['nosuchkey/gpt-4o', 404, 'not_found'],
    ['evil/gpt-4o', 502, 'upstream_error'],
  ])('%s → %i, streamed or not, recorded as %s', async (model, status, errorType) => {
    for (const stream of [false, true]) {
      const err = await failure(model, stream);
      expect(err.status).toBe(status);
      const record = await recordOf(err.headers?.get('x-roukey-request-id') ?? null);
      expect(record).toMatchObject({ status, stream, errorType });
    }
  });

  it('refuses a base URL whose name resolves to a forbidden address at connect time, as the URL check would (DNS rebinding)', async () => {
    const before = fake.requests.length;
    const err = await failure('rebound/gpt-4o-mini');
    expect(err.status).toBe(502);
    expect(err.code).toBe('base_url_refused');
    expect(fake.requests.length).toBe(before);
    const record = await recordOf(err.headers?.get('x-roukey-request-id') ?? null);
    expect(record?.attempts).toEqual([{ target: 'rebound/gpt-4o-mini', provider: 'openai', latencyMs: 0, outcome: 'base_url_refused' }]);
  });

  it('says the provider rejected the provider key (424)', async () => {
    expect((await failure('work/fail-401')).message).toMatch(/provider rejected the provider key/);
  });

  it("keeps the provider's Retry-After on 429", async () => {
    expect((await failure('work/fail-429')).headers?.get('retry-after')).toBe('7');
  });

  it("returns the provider's message on its 400", async () => {
    expect((await failure('work/fail-400')).message).toMatch(/Invalid value for 'temperature'/);
  });

  it('aborts a hanging upstream at the first-byte timeout', async () => {
    await failure('work/hang', true);
    const hung = await fake.waitFor((r) => r.body?.model === 'hang' && r.clientAborted);
    expect(hung.closed).toBe(true);
  });

  it('401 for a missing, malformed or unknown RouKey key, recording nothing', async () => {
    const count = ports.records.length;
    const body = JSON.stringify({ model: 'work/gpt-4o-mini', messages });
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer rk_unknown' }] as Record<string, string>[]) {
      const { res, json } = await rawPost(body, headers);
      expect(res.status).toBe(401);
      expectValid('error', json);
      expect(JSON.stringify(json)).not.toContain('rk_unknown');
    }
    expect(ports.records.length).toBe(count);
  });

  it.each([
    ['{"model": "work/x", "messages": [', null],
    [JSON.stringify({ model: 'gpt-4o', messages }), 'model'],
    [JSON.stringify({ model: 'work/gpt-4o', messages: [] }), 'messages'],
    [JSON.stringify({ model: 'work/gpt-4o', messages, stream: 'yes' }), 'stream'],
  ])('400 naming the field for %s', async (body, param) => {
    const { res, json } = await rawPost(body);
    expect(res.status).toBe(400);
    expectValid('error', json);
    expect(json.error.param).toBe(param);
    expect(await recordOf(res.headers.get('x-roukey-request-id'))).toMatchObject({ status: 400, errorType: 'invalid_request' });
  });
});

describe('unexpected failures', () => {
  it('answer 500 in OpenAI shape and log only the error name, never its message', async () => {
    const resolver = ports.deps.providerKeys;
    const original = resolver.byName;
    resolver.byName = async () => {
      throw new TypeError(`exploded while reading ${CANARY}`);
    };
    try {
      const { res, json } = await rawPost(JSON.stringify({ model: 'work/gpt-4o-mini', messages }));
      expect(res.status).toBe(500);
      expectValid('error', json);
      expect(JSON.stringify(json)).not.toContain(CANARY);
      const line = await waitFor(() => ports.logs.find((l) => l.includes(res.headers.get('x-roukey-request-id')!)));
      expect(JSON.parse(line)).toMatchObject({ level: 'error', error: 'TypeError' });
      expect(ports.logs.join('\n')).not.toContain(CANARY);
    } finally {
      resolver.byName = original;
    }
  });
});

describe('privacy', () => {
  it('P1: prompt and completion content never reach the activity record or a log line (stream, non-stream, errors)', async () => {
    fake.configure({ content: `Answer with ${CANARY} inside` });
    const before = ports.records.length;
    const prompt = [{ role: 'user' as const, content: `Secret ${CANARY} prompt` }];
    await client.chat.completions.create({ model: 'work/echo', messages: prompt });
    for await (const _ of await client.chat.completions.create({
      model: 'work/gpt-4o-mini',
      messages: prompt,
      stream: true,
      stream_options: { include_usage: true },
    }));
    await client.chat.completions.create({ model: 'work/fail-400', messages: prompt }).catch(() => undefined);
    await client.chat.completions
      .create({ model: 'work/cut-stream', messages: prompt, stream: true })
      .then(async (s) => {
        for await (const _ of s);
      })
      .catch(() => undefined);
    await rawPost(JSON.stringify({ model: `work/${CANARY} x`, messages: prompt }));
    await waitFor(() => (ports.records.length >= before + 5 ? true : undefined));
    const stored = JSON.stringify(ports.records) + ports.logs.join('\n');
    expect(stored).not.toContain(CANARY);
  });

  it('P2: the provider key plaintext is in no record, log line or response', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages }).withResponse();
    const error = await client.chat.completions.create({ model: 'work/fail-401', messages }).catch((e: APIError) => e);
    const everything = [
      JSON.stringify(ports.records),
      ports.logs.join('\n'),
      JSON.stringify(data),
      JSON.stringify([...response.headers]),
      JSON.stringify(error),
    ].join('\n');
    expect(everything).not.toContain(PROVIDER_KEY);
    expect(everything).not.toContain(RK_KEY);
  });
});
