import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handler as aggregate } from '../../lambdas/handlers/usage-aggregator.js';
import type { RequestActivity } from '../../lambdas/store/activity-record.js';
import { createActivityRepo } from '../../lambdas/store/activity-repo.js';
import { ITEM } from '../../lambdas/store/accounts-items.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { insertRecord, requestRecord, streamEvent } from '../support/stream-events.js';
import { createTestTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
let tables: Record<TableName, string>;
let doc: ReturnType<typeof createDocumentClient>;
let usage: ManagementLambda;
let requests: ManagementLambda;
let providerMetrics: ManagementLambda;
let seq = 1;

beforeAll(async () => {
  let endpoint: string;
  ({ endpoint, tables } = await createTestTables());
  process.env.LOCAL_KEYRING_FILE = testKeyringFile();
  doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  usage = withConsent((await import('../../lambdas/handlers/usage.js')).handler);
  requests = withConsent((await import('../../lambdas/handlers/requests.js')).handler);
  providerMetrics = withConsent((await import('../../lambdas/handlers/provider-metrics.js')).handler);
});
afterAll(() => doc.destroy());

/** A signed-in user's account, created by their first call. */
async function accountOf(sub: string): Promise<string> {
  await call(requests, managementEvent('GET', '/v1/requests', { sub }));
  const out = await doc.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.user(sub) }));
  return out.Item?.accountId as string;
}

/** Records written as the router writes them, and counted by the aggregator as the stream would deliver them. */
async function traffic(records: RequestActivity[]): Promise<void> {
  const repo = createActivityRepo(doc, tables.activity);
  for (const { kind: _kind, expiresAt: _expiresAt, ...fields } of records) await repo.recordRequest(fields);
  const result = await aggregate(streamEvent(records.map((r) => insertRecord(r, seq++))));
  expect(result.batchItemFailures).toEqual([]);
}

const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

describe('GET /v1/usage', () => {
  let sub: string;
  beforeAll(async () => {
    sub = randomUUID();
    const accountId = await accountOf(sub);
    await traffic([
      requestRecord({ accountId, requestId: 'u-1', startedAt: at(2 * HOUR), latencyMs: 100, costUsd: 0.001, configName: 'saver', referenceCostUsd: 0.004 }),
      requestRecord({ accountId, requestId: 'u-2', startedAt: at(2 * HOUR), latencyMs: 200, model: 'gpt-4o', costUsd: 0.002 }),
      requestRecord({ accountId, requestId: 'u-3', startedAt: at(2 * HOUR), latencyMs: 4000, status: 502, errorType: 'upstream_error', costUsd: undefined }),
    ]);
  });

  it('P4: answers the series by model with requests, errors, tokens, cost, savings and latency percentiles', async () => {
    const { status, body } = await call(usage, managementEvent('GET', '/v1/usage', { sub, query: { groupBy: 'model', from: at(24 * HOUR) } }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'usage', granularity: 'day', groupBy: 'model', timezone: 'UTC' });
    expect(body.totals).toMatchObject({
      requests: 3,
      errors: 1,
      errorsByClass: { upstream_error: 1 },
      tokens: { prompt: 300, completion: 60, cached: 0, reasoning: 0 },
      costUsd: 0.003,
      savingsUsd: 0.003,
    });
    const byModel = Object.fromEntries(body.series.map((p: { group: string; requests: number }) => [p.group, p.requests]));
    expect(byModel).toEqual({ 'gpt-4o': 1, 'gpt-4o-mini': 2 });
    // Log-spaced buckets: each percentile is within 10 % of a value that was measured.
    expect(body.totals.latencyMs.p50 / 200).toBeCloseTo(1, 0);
    expect(Math.abs(body.totals.latencyMs.p99 - 4000) / 4000).toBeLessThan(0.1);
  });

  it('answers CSV for Accept: text/csv', async () => {
    const event = managementEvent('GET', '/v1/usage', { sub, query: { granularity: 'hour', from: at(24 * HOUR) } });
    event.headers.Accept = 'text/csv';
    const res = await usage(event, {} as Context);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    const [header, row, ...rest] = res.body.trim().split('\r\n');
    expect(header?.split(',').slice(0, 4)).toEqual(['period', 'group', 'requests', 'errors']);
    expect(row?.split(',').slice(1, 4)).toEqual(['', '3', '1']);
    expect(rest).toEqual([]);
  });

  it("counts days in the profile's timezone", async () => {
    const tzSub = randomUUID();
    const accountId = await accountOf(tzSub);
    await doc.send(
      new UpdateCommand({
        TableName: tables.accounts,
        Key: ITEM.profile(accountId),
        UpdateExpression: 'SET preferences = :p',
        ExpressionAttributeValues: { ':p': { timezone: 'Asia/Tokyo' } },
      }),
    );
    // 23:30 UTC two days ago is 08:30 the next day in Tokyo.
    const day = new Date(Date.now() - 2 * 24 * HOUR).toISOString().slice(0, 10);
    await traffic([requestRecord({ accountId, requestId: 'tz-1', startedAt: `${day}T23:30:00.000Z` })]);
    const { body } = await call(usage, managementEvent('GET', '/v1/usage', { sub: tzSub, query: { from: at(4 * 24 * HOUR) } }));
    expect(body.timezone).toBe('Asia/Tokyo');
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
    expect(body.series.map((p: { period: string; requests: number }) => [p.period, p.requests])).toEqual([[next, 1]]);
  });

  it('bad parameters are a 400 in OpenAI shape naming the parameter; a range beyond the plan is refused', async () => {
    const bad = await call(usage, managementEvent('GET', '/v1/usage', { sub, query: { granularity: 'week' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'granularity' });
    // The free plan's analytics reach back 7 days.
    const far = await call(usage, managementEvent('GET', '/v1/usage', { sub, query: { from: at(8 * 24 * HOUR) } }));
    expect(far.status).toBe(400);
    expect(far.body.error).toMatchObject({ param: 'from', message: expect.stringContaining('7 days') });
    const hourly = await call(usage, managementEvent('GET', '/v1/usage', { sub, query: { granularity: 'hour', groupBy: 'nope' } }));
    expect(hourly.body.error.param).toBe('groupBy');
  });

  it("P23: another account's usage is never in the answer", async () => {
    const { body } = await call(usage, managementEvent('GET', '/v1/usage', { sub: randomUUID() }));
    expect(body.series).toEqual([]);
    expect(body.totals.requests).toBe(0);
  });
});

describe('GET /v1/requests and /v1/requests/{id}', () => {
  let sub: string;
  let accountId: string;
  beforeAll(async () => {
    sub = randomUUID();
    accountId = await accountOf(sub);
    await traffic([
      requestRecord({ accountId, requestId: 'r-old', startedAt: at(3 * HOUR) }),
      requestRecord({ accountId, requestId: 'r-mid', startedAt: at(2 * HOUR), status: 502, errorType: 'upstream_error' }),
      requestRecord({
        accountId,
        requestId: 'r-new',
        startedAt: at(HOUR),
        attempts: [
          { target: 'oa/gpt-4o', provider: 'openai', status: 503, latencyMs: 30, outcome: 'http_error' },
          { target: 'oa/gpt-4o-mini', provider: 'openai', status: 200, latencyMs: 300, outcome: 'ok' },
        ],
      }),
    ]);
  });

  it('P3: lists metadata newest first, page by page with an opaque cursor', async () => {
    const first = await call(requests, managementEvent('GET', '/v1/requests', { sub, query: { limit: '2' } }));
    expect(first.status).toBe(200);
    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual(['r-new', 'r-mid']);
    expect(first.body.data[0].attempts).toBeUndefined();
    expect(first.body.has_more).toBe(true);
    const second = await call(requests, managementEvent('GET', '/v1/requests', { sub, query: { limit: '2', cursor: first.body.next_cursor } }));
    expect(second.body.data.map((r: { id: string }) => r.id)).toEqual(['r-old']);
    const tampered = await call(requests, managementEvent('GET', '/v1/requests', { sub, query: { cursor: `${first.body.next_cursor}x` } }));
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.param).toBe('cursor');
  });

  it('filters by status class, model, API key and config', async () => {
    const errors = await call(requests, managementEvent('GET', '/v1/requests', { sub, query: { status: '5xx' } }));
    expect(errors.body.data.map((r: { id: string }) => r.id)).toEqual(['r-mid']);
    const none = await call(requests, managementEvent('GET', '/v1/requests', { sub, query: { model: 'gpt-4o', apiKey: 'ak_1', config: 'saver' } }));
    expect(none.body.data).toEqual([]);
    const bad = await call(requests, managementEvent('GET', '/v1/requests', { sub, query: { status: 'oops' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('status');
  });

  it("P23: one record with its attempts; another account's id is a 404", async () => {
    const one = await call(requests, managementEvent('GET', '/v1/requests/{id}', { sub, params: { id: 'r-new' } }));
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ object: 'request', id: 'r-new', status: 200, model: 'gpt-4o-mini' });
    expect(one.body.attempts).toHaveLength(2);
    const other = await call(requests, managementEvent('GET', '/v1/requests/{id}', { sub: randomUUID(), params: { id: 'r-new' } }));
    expect(other.status).toBe(404);
    expect(other.body.error.type).toBe('invalid_request_error');
  });

  it('P11: an expired record never appears, though DynamoDB has not deleted it yet', async () => {
    const expired = requestRecord({ accountId, requestId: 'r-expired', startedAt: at(30 * 60_000), expiresAt: Math.floor(Date.now() / 1000) - 60 });
    await doc.send(new PutCommand({ TableName: tables.activity, Item: { pk: `ACCOUNT#${accountId}`, sk: `REQ#${expired.startedAt}#r-expired`, ...expired } }));
    const list = await call(requests, managementEvent('GET', '/v1/requests', { sub }));
    expect(list.body.data.map((r: { id: string }) => r.id)).not.toContain('r-expired');
    const one = await call(requests, managementEvent('GET', '/v1/requests/{id}', { sub, params: { id: 'r-expired' } }));
    expect(one.status).toBe(404);
  });
});

describe('GET /v1/metrics/providers', () => {
  it('P5: per provider and model: requests, percentiles, error rate by class, fallback rate, availability', async () => {
    const sub = randomUUID();
    const accountId = await accountOf(sub);
    const fallback = [
      { target: 'an/claude', provider: 'anthropic' as const, status: 529, latencyMs: 20, outcome: 'http_error' as const },
      { target: 'oa/gpt-4o-mini', provider: 'openai' as const, status: 200, latencyMs: 300, outcome: 'ok' as const },
    ];
    await traffic([
      requestRecord({ accountId, requestId: 'p-1', startedAt: at(10 * 60_000), ttftMs: 100 }),
      requestRecord({ accountId, requestId: 'p-2', startedAt: at(10 * 60_000), ttftMs: 100, attempts: fallback }),
      requestRecord({ accountId, requestId: 'p-3', startedAt: at(10 * 60_000), status: 504, errorType: 'upstream_timeout', ttftMs: undefined }),
      requestRecord({ accountId, requestId: 'p-4', startedAt: at(10 * 60_000), status: 400, errorType: 'invalid_request', ttftMs: undefined }),
    ]);
    const { status, body } = await call(providerMetrics, managementEvent('GET', '/v1/metrics/providers', { sub, query: { window: '24h' } }));
    expect(status).toBe(200);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      requests: 4,
      errorRate: 0.5,
      errorRateByClass: { upstream_timeout: 0.25, invalid_request: 0.25 },
      fallbackRate: 0.25,
      availability: 0.75,
    });
    expect(Math.abs(body.data[0].ttftMs.p50 - 100) / 100).toBeLessThan(0.1);
    const bad = await call(providerMetrics, managementEvent('GET', '/v1/metrics/providers', { sub, query: { window: '2d' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('window');
  });
});
