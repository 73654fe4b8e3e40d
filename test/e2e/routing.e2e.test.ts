import { randomUUID } from 'node:crypto';
import { APIError } from 'openai';
import { catalogEntry, estimateCost } from '../../lambdas/catalog/index.js';
import { addProviderKey, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { expectValid } from '../support/openai-schema.js';
import { pollUntil } from '../fakes/fake-server.js';
import { startFakeOpenAIUpstream } from '../fakes/openai-upstream.js';
import { rejectionOf } from '../support/thrown.js';

/**
 * Fault injection through the local runtime: routing configs over fake upstreams that fail in every way the
 * issue names. Each test uses provider keys of its own, so the container's cooldowns and breakers left by one
 * test never decide another.
 */
const messages = [{ role: 'user' as const, content: 'Say hello.' }];

let e2e: E2EContext;

beforeAll(async () => {
  e2e = await startE2E({ slowDelayMs: 3_000 });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
});

/** A new provider key on the fake upstream; the fake's behaviour is chosen by the model name (`<key>/fail-500`). */
async function freshKey(): Promise<string> {
  const name = `k${randomUUID().slice(0, 8)}`;
  expect(await addProviderKey(e2e.mgmt, { provider: 'openai', name, apiKey: `sk-${randomUUID()}`, baseUrl: e2e.upstream.baseUrl })).toBe(201);
  return name;
}

/** Creates a routing config through the management API and returns its name. */
async function createConfig(config: Record<string, unknown>): Promise<string> {
  const name = `c${randomUUID().slice(0, 8)}`;
  const res = await e2e.mgmt('POST', '/v1/configs', { name, ...config });
  expect(res.status).toBe(201);
  return name;
}

const FAST = { retries: 0, timeoutMs: 1_000, firstTokenTimeoutMs: 300 };

async function fallbackConfig(models: string[], reliability: Record<string, unknown> = FAST): Promise<string> {
  return createConfig({ strategy: 'fallback', targets: models.map((model) => ({ model })), reliability });
}

/** A raw call, for statuses, headers and error bodies exactly as RouKey sent them. */
async function post(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${e2e.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e2e.apiKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

/** The request's activity record, once it has landed (written after the response ends). */
async function recordOf(requestId: string | null): Promise<Record<string, any>> {
  expect(requestId).toBeTruthy();
  return pollUntil(
    async () => (await scanRuntimeTables(e2e.local)).activity.find((item) => item.requestId === requestId),
    10_000,
    `no activity record for ${requestId}`,
  );
}

const outcomes = (record: Record<string, any>) =>
  (record.attempts as { target: string; outcome: string; status?: number }[]).map((a) => [a.target, a.outcome, a.status ?? null]);

/** Upstream requests for one provider key's models (the fake records the model each request named). */
const sentTo = (model: string) => e2e.upstream.requests.filter((r) => r.body?.model === model && r.method === 'POST');

describe('routing configs: faults before the first byte fall back to the next target', () => {
  it('500: the next target answers; both attempts are recorded and counted in the headers', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/fail-500`, `${b}/gpt-4o-mini`]);
    const { data, response } = await e2e.client.chat.completions.create({ model: `roukey/${config}`, messages }).withResponse();
    expectValid('completion', data);
    expect(data.choices[0]?.message.content).toBe(e2e.upstream.options.content);
    expect(response.headers.get('x-roukey-strategy')).toBe('fallback');
    expect(response.headers.get('x-roukey-attempts')).toBe('2');
    expect(response.headers.get('x-roukey-model')).toBe(`${b}/gpt-4o-mini`);
    const record = await recordOf(response.headers.get('x-roukey-request-id'));
    expect(record).toMatchObject({ status: 200, configName: config, strategy: 'fallback', model: 'gpt-4o-mini' });
    expect(outcomes(record)).toEqual([
      [`${a}/fail-500`, 'http_error', 500],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
  });

  it('503 is retried on the same target as configured before falling back', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/fail-503`, `${b}/gpt-4o-mini`], { ...FAST, retries: 1 });
    const res = await post({ model: `roukey/${config}`, messages });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-roukey-attempts')).toBe('3');
    expect(outcomes(await recordOf(res.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/fail-503`, 'http_error', 503],
      [`${a}/fail-503`, 'http_error', 503],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
  });

  it('a retry of a flaky target succeeds without falling back', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/flaky-500`, `${b}/gpt-4o-mini`], { ...FAST, retries: 1 });
    const res = await post({ model: `roukey/${config}`, messages });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-roukey-model')).toBe(`${a}/flaky-500`);
    expect(outcomes(await recordOf(res.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/flaky-500`, 'http_error', 500],
      [`${a}/flaky-500`, 'ok', 200],
    ]);
  });

  it('429 with Retry-After: falls back at once, and the target is skipped while it cools down', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/fail-429`, `${b}/gpt-4o-mini`], { ...FAST, retries: 2 });
    const first = await post({ model: `roukey/${config}`, messages });
    expect(first.status).toBe(200);
    // Never retried on the same target: it asked for 7 s.
    expect(outcomes(await recordOf(first.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/fail-429`, 'http_error', 429],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
    const before = sentTo('fail-429').length;
    const second = await post({ model: `roukey/${config}`, messages });
    expect(second.status).toBe(200);
    expect(second.headers.get('x-roukey-attempts')).toBe('1');
    expect(sentTo('fail-429')).toHaveLength(before);
    expect(outcomes(await recordOf(second.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/fail-429`, 'skipped_cooldown', null],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
  });

  it('connection reset: the next target answers', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/reset`, `${b}/gpt-4o-mini`]);
    const res = await post({ model: `roukey/${config}`, messages, stream: true });
    expect(res.status).toBe(200);
    expect(res.text).toContain('data: [DONE]');
    expect(outcomes(await recordOf(res.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/reset`, 'network', null],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
  });

  it('a hang past timeoutMs is abandoned (the upstream request aborted) and the next target answers', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/hang`, `${b}/gpt-4o-mini`]);
    const res = await post({ model: `roukey/${config}`, messages });
    expect(res.status).toBe(200);
    expect(outcomes(await recordOf(res.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/hang`, 'timeout', null],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
    await e2e.upstream.waitFor((r) => r.mode === 'hang' && r.closed, 3_000);
  });

  it('a slow first token (past firstTokenTimeoutMs, after a 200 status) falls back; the client sees only the answer that came in time', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/slow-first-chunk`, `${b}/gpt-4o-mini`]);
    const chunks: string[] = [];
    const { data: stream, response } = await e2e.client.chat.completions.create({ model: `roukey/${config}`, messages, stream: true }).withResponse();
    for await (const chunk of stream) {
      expectValid('chunk', chunk);
      chunks.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(chunks.join('')).toBe(e2e.upstream.options.content);
    expect(response.headers.get('x-roukey-model')).toBe(`${b}/gpt-4o-mini`);
    expect(outcomes(await recordOf(response.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/slow-first-chunk`, 'timeout', null],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
  });

  it('a first token later than firstTokenTimeoutMs falls back, though a role-only chunk came in time (none of it reaches the client)', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/slow-first-token`, `${b}/gpt-4o-mini`]);
    const res = await post({ model: `roukey/${config}`, messages, stream: true });
    expect(res.status).toBe(200);
    const models = res.text
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)).model as string);
    // Every chunk the client got came from the target that answered in time.
    expect(new Set(models)).toEqual(new Set(['gpt-4o-mini']));
    expect(outcomes(await recordOf(res.headers.get('x-roukey-request-id')))).toEqual([
      [`${a}/slow-first-token`, 'timeout', null],
      [`${b}/gpt-4o-mini`, 'ok', 200],
    ]);
  });
});

describe('routing configs: after the first byte there is no fallback', () => {
  it('a stream cut mid-way ends with an error event; the other target is never called and the outputs never mix', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/reset-stream`, `${b}/echo`]);
    const echoBefore = sentTo('echo').length;
    const res = await post({ model: `roukey/${config}`, messages, stream: true });
    expect(res.status).toBe(200);
    const events = res.text.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(JSON.parse(events.at(-1)!.slice(6))).toMatchObject({ error: { type: 'upstream_error' } });
    expect(res.text).not.toContain('data: [DONE]');
    expect(res.text).not.toContain('Say hello.');
    expect(sentTo('echo')).toHaveLength(echoBefore);
    const record = await recordOf(res.headers.get('x-roukey-request-id'));
    expect(record.errorType).toBe('upstream_error');
    expect(outcomes(record)).toEqual([[`${a}/reset-stream`, 'stream_error', 200]]);
  });
});

describe('routing configs: every target failing', () => {
  it('answers 502 with a summary of the attempts', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/fail-500`, `${b}/reset`]);
    const res = await post({ model: `roukey/${config}`, messages });
    expect(res.status).toBe(502);
    const body = JSON.parse(res.text);
    expectValid('error', body);
    expect(body.error.code).toBe('all_attempts_failed');
    expect(body.error.message).toContain(`${a}/fail-500 HTTP 500`);
    expect(body.error.message).toContain(`${b}/reset unreachable`);
    expect(res.headers.get('x-roukey-attempts')).toBe('2');
    expect((await recordOf(res.headers.get('x-roukey-request-id'))).status).toBe(502);
  });

  it('answers 429 with the soonest Retry-After when every target was rate limited', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/fail-429`, `${b}/fail-429`]);
    const res = await post({ model: `roukey/${config}`, messages });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(6);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(7);
    const err = await rejectionOf(APIError, e2e.client.chat.completions.create({ model: `roukey/${config}`, messages }));
    // Both targets are cooling down now: RouKey answers 429 without calling either.
    expect(err.status).toBe(429);
  });

  it('opens a target’s circuit after 3 consecutive failures and passes over it', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a}/fail-500`, `${b}/gpt-4o-mini`]);
    for (let i = 0; i < 3; i++) expect((await post({ model: `roukey/${config}`, messages })).status).toBe(200);
    const res = await post({ model: `roukey/${config}`, messages });
    expect(res.headers.get('x-roukey-attempts')).toBe('1');
    expect(outcomes(await recordOf(res.headers.get('x-roukey-request-id')))[0]).toEqual([`${a}/fail-500`, 'skipped_circuit_open', null]);
  });
});

describe('choosing a config', () => {
  it('by the x-roukey-config header, by an inline models list, and by the API key’s bound config', async () => {
    const a = await freshKey();
    const config = await fallbackConfig([`${a}/gpt-4o-mini`]);
    const byHeader = await post({ model: 'anything', messages }, { 'x-roukey-config': config });
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers.get('x-roukey-strategy')).toBe('fallback');

    const inline = await post({ model: `${a}/fail-500`, models: [`${a}/gpt-4o`], messages });
    expect(inline.status).toBe(200);
    expect(inline.headers.get('x-roukey-strategy')).toBe('inline');
    expect(inline.headers.get('x-roukey-model')).toBe(`${a}/gpt-4o`);
    // RouKey's own field never reaches the provider.
    expect(sentTo('gpt-4o').at(-1)?.body).not.toHaveProperty('models');

    expect((await post({ model: 'gpt-4o-mini', messages })).status).toBe(400);
    // A key bound before its first use: its requests that name no target or config go to the bound config.
    const key = await e2e.mgmt('POST', '/v1/api-keys', { name: 'bound' });
    expect((await e2e.mgmt('PATCH', `/v1/api-keys/${key.json.id}`, { config })).status).toBe(200);
    const bound = await post({ model: 'gpt-4o-mini', messages }, { authorization: `Bearer ${key.json.key}` });
    expect(bound.status).toBe(200);
    expect(bound.headers.get('x-roukey-strategy')).toBe('fallback');
    expect(bound.headers.get('x-roukey-model')).toBe(`${a}/gpt-4o-mini`);
    // A target named explicitly still goes straight there.
    const explicit = await post({ model: `${a}/gpt-4o`, messages }, { authorization: `Bearer ${key.json.key}` });
    expect(explicit.headers.get('x-roukey-strategy')).toBe('direct');
  });

  it('GET /v1/models lists the account’s configs as roukey/<name>, ahead of the provider keys’ models', async () => {
    const config = await fallbackConfig([`${await freshKey()}/gpt-4o-mini`]);
    const page = await e2e.client.models.list();
    expectValid('models', { object: 'list', data: page.data });
    const ids = page.data.map((m) => m.id);
    expect(ids).toContain(`roukey/${config}`);
    expect(ids.indexOf(`roukey/${config}`)).toBeLessThan(ids.indexOf('fake/gpt-4o-mini'));
    expect(page.data.find((m) => m.id === `roukey/${config}`)?.owned_by).toBe('roukey');
  });

  it('an unknown config is a 404 naming it', async () => {
    const res = await post({ model: 'roukey/no-such-config', messages });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error).toMatchObject({ code: 'config_not_found', param: 'model' });
  });
});

describe('strategies end to end', () => {
  it('role: a custom role wins its prompt, its system prompt goes first, the decision is in the headers and the record', async () => {
    const a = await freshKey();
    const role = `r${randomUUID().slice(0, 6)}`;
    const created = await e2e.mgmt('POST', '/v1/roles', {
      name: role,
      description: 'Questions about tax returns, deductions and filing deadlines.',
      examples: ['Can I deduct my home office on my tax return?', 'When is the filing deadline for quarterly estimated tax?'],
      keywords: ['tax', 'deduction', 'irs', 'filing'],
      systemPrompt: 'You are a careful tax assistant.',
    });
    expect(created.status).toBe(201);
    const config = await createConfig({
      strategy: 'role',
      roles: { [role]: [{ model: `${a}/echo` }], chat: [{ model: `${a}/gpt-4o-mini` }] },
      defaultRole: 'chat',
    });
    const res = await post({
      model: `roukey/${config}`,
      messages: [{ role: 'user', content: 'Which tax deductions can I claim for my home office before the filing deadline?' }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-roukey-strategy')).toBe('role');
    expect(res.headers.get('x-roukey-route')).toBe(role);
    const sent = sentTo('echo').at(-1)!.body!.messages as { role: string; content: string }[];
    expect(sent[0]).toEqual({ role: 'system', content: 'You are a careful tax assistant.' });
    const record = await recordOf(res.headers.get('x-roukey-request-id'));
    expect(record).toMatchObject({ strategy: 'role', route: role, classifier: 'local' });
    expect(record.confidence).toBeGreaterThan(0);

    const small = await post({ model: `roukey/${config}`, messages: [{ role: 'user', content: 'hey there, how is your day going?' }] });
    expect(small.headers.get('x-roukey-route')).toBe('chat');
  });

  it('role with the LLM classifier: the account’s own model decides; past its timeout the local classifier does', async () => {
    const classifierUpstream = await startFakeOpenAIUpstream({ content: '{"role":"math","confidence":0.93}' });
    try {
      const [a, judge] = [await freshKey(), `j${randomUUID().slice(0, 6)}`];
      expect(await addProviderKey(e2e.mgmt, { provider: 'openai', name: judge, apiKey: `sk-${randomUUID()}`, baseUrl: classifierUpstream.baseUrl })).toBe(201);
      const roles = { math: [{ model: `${a}/gpt-4o` }], chat: [{ model: `${a}/gpt-4o-mini` }] };
      const config = await createConfig({
        strategy: 'role',
        roles,
        defaultRole: 'chat',
        classifier: { method: 'llm', model: `${judge}/gpt-4o-mini`, timeoutMs: 300 },
      });
      const res = await post({ model: `roukey/${config}`, messages: [{ role: 'user', content: 'hello!' }] });
      expect(res.headers.get('x-roukey-route')).toBe('math');
      expect(classifierUpstream.requests).toHaveLength(1);
      const record = await recordOf(res.headers.get('x-roukey-request-id'));
      expect(record).toMatchObject({ classifier: 'llm', confidence: 0.93, route: 'math' });
      // The classifier's own call is metered too (the fake reports 11 + 7 tokens; gpt-4o-mini is in the catalog).
      expect(record.classifierTokens).toBe(18);
      expect(record.classifierCostUsd).toBeGreaterThan(0);

      const slow = await createConfig({ strategy: 'role', roles, defaultRole: 'chat', classifier: { method: 'llm', model: `${judge}/hang`, timeoutMs: 300 } });
      const fallback = await post({ model: `roukey/${slow}`, messages: [{ role: 'user', content: 'Solve 3x + 7 = 22 for x and show each step.' }] });
      expect(fallback.status).toBe(200);
      expect(fallback.headers.get('x-roukey-route')).toBe('math');
      // The hanging classifier call was cut off at its timeout, not waited for.
      expect((await classifierUpstream.waitFor((r) => r.mode === 'hang' && r.clientAborted)).closed).toBe(true);
      expect((await recordOf(fallback.headers.get('x-roukey-request-id'))).classifier).toBe('local');
    } finally {
      await classifierUpstream.close();
    }
  });

  it('weighted spreads requests by weight; ab keeps an end user on one variant', async () => {
    const a = await freshKey();
    const weighted = await createConfig({
      strategy: 'weighted',
      targets: [
        { model: `${a}/gpt-4o`, weight: 3 },
        { model: `${a}/gpt-4o-mini`, weight: 1 },
      ],
    });
    const models: string[] = [];
    for (let i = 0; i < 8; i++) models.push((await post({ model: `roukey/${weighted}`, messages })).headers.get('x-roukey-model')!);
    expect(models.filter((m) => m === `${a}/gpt-4o`)).toHaveLength(6);

    const ab = await createConfig({
      strategy: 'ab',
      variants: [
        { name: 'control', percent: 50, targets: [{ model: `${a}/gpt-4o` }] },
        { name: 'candidate', percent: 50, targets: [{ model: `${a}/gpt-4o-mini` }] },
      ],
    });
    const variants = new Set<string>();
    for (let i = 0; i < 4; i++) variants.add((await post({ model: `roukey/${ab}`, messages, user: 'user-42' })).headers.get('x-roukey-route')!);
    expect(variants.size).toBe(1);
  });
});

describe('cost optimisation through the local runtime (P4)', () => {
  it('P4: a config-routed request records its reference cost, and the stream-fed aggregator reports the savings', async () => {
    const key = await freshKey();
    const config = await fallbackConfig([`${key}/gpt-4o-mini`, `${key}/gpt-4o`]);
    const { response } = await e2e.client.chat.completions.create({ model: `roukey/${config}`, messages }).withResponse();
    const record = await recordOf(response.headers.get('x-roukey-request-id'));
    const usage = {
      prompt_tokens: record.promptTokens,
      completion_tokens: record.completionTokens,
      total_tokens: 0,
      prompt_tokens_details: { cached_tokens: record.cachedTokens ?? 0 },
    };
    // The most expensive eligible target is gpt-4o, though only gpt-4o-mini was called.
    expect(record.referenceCostUsd).toBeCloseTo(estimateCost(usage, catalogEntry('openai', 'gpt-4o')) ?? Number.NaN, 12);
    expect(record.referenceCostUsd).toBeGreaterThan(record.costUsd);
    // npm start reads DynamoDB Local's stream into the aggregator: the usage answer shows the request and its savings.
    const point = await pollUntil(
      async () => {
        const res = await e2e.mgmt('GET', '/v1/usage?groupBy=config');
        return (res.json as { series: { group: string; requests: number; savingsUsd: number }[] }).series.find((p) => p.group === config);
      },
      20_000,
      'the usage answer never showed the config',
    );
    expect(point.requests).toBe(1);
    expect(point.savingsUsd).toBeCloseTo(record.referenceCostUsd - record.costUsd, 6);
  });
});
