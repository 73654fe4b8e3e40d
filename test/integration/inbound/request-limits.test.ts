import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import Anthropic, { type APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import OpenAI, { APIError } from 'openai';
import { createAccountService } from '../../../lambdas/accounts/account-service.js';
import { createAccountStateReader, type AccountStanding } from '../../../lambdas/accounts/account-state.js';
import { createRequestGate } from '../../../lambdas/limits/request-gate.js';
import { type DEFAULT_PLANS, planCatalog } from '../../../lambdas/plans/catalog.js';
import { createAccountRepository } from '../../../lambdas/store/accounts-profiles.js';
import { createDocumentClient } from '../../../lambdas/store/dynamo.js';
import { createLimitCounters } from '../../../lambdas/store/limits-counters.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../fakes/openai-upstream.js';
import { PRINCIPAL, RK_KEY, portDoubles, startHandlerServer, waitFor, type PortDoubles } from '../../fakes/router-harness.js';
import { createTestTables } from '../../support/tables.js';

jest.setTimeout(60_000);

let fake: FakeOpenAIUpstream;
let ports: PortDoubles;
let server: { url: string; close(): Promise<void> };
let db: DynamoDBDocumentClient;
let tables: Awaited<ReturnType<typeof createTestTables>>['tables'];
/** The account's standing as the (real, uncached) state reader reads it. */
let standing: AccountStanding;
let client: OpenAI;

beforeAll(async () => {
  const created = await createTestTables();
  tables = created.tables;
  db = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: created.endpoint });
  fake = await startFakeOpenAIUpstream();
  ports = portDoubles();
  ports.providerKeys.set('work', { providerKeyId: 'pk_work', name: 'work', provider: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-limits-1234' });
  server = await startHandlerServer(ports.deps);
  client = new OpenAI({ apiKey: RK_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await fake.close();
  db.destroy();
});

/** The real gate on the limits table, for a caller whose standing the test sets. */
function useGate(limits: Partial<typeof DEFAULT_PLANS.free>, status: AccountStanding['status'] = 'active'): void {
  // Each test counts on fresh windows: a principal of its own.
  PRINCIPAL_REF.accountId = `acc_${randomUUID().slice(0, 8)}`;
  standing = { plan: 'free', status, limitOverrides: limits };
  const states = createAccountStateReader({ standing: async () => standing }, planCatalog(), { ttlMs: 0 });
  ports.gate = createRequestGate(states, createLimitCounters(db, tables.limits));
  ports.authenticatorPrincipal = { ...PRINCIPAL, accountId: PRINCIPAL_REF.accountId };
  ports.securityEvents.length = 0;
}
const PRINCIPAL_REF = { accountId: PRINCIPAL.accountId };

const messages = [{ role: 'user' as const, content: 'Say hello' }];

describe('request limits on the router', () => {
  it('every answer carries OpenAI’s request-limit headers; over the per-key limit, a 429 with Retry-After that never reaches the provider', async () => {
    useGate({ requestsPerMinutePerKey: 2 });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 2; i++) {
      const { response } = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages }).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('2');
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+m)?\d+(ms|s)$/);
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
    }
    expect(remaining).toEqual(['1', '0']);
    const upstreamCalls = fake.requests.length;
    const err = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    const refused = err as APIError;
    expect(refused.status).toBe(429);
    expect(refused.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', param: 'requestsPerMinutePerKey' });
    expect(Number(refused.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers?.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.headers?.get('x-ratelimit-limit-requests')).toBe('2');
    expect(refused.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(fake.requests.length).toBe(upstreamCalls);

    // Recorded as metadata (who, which limit) and as a security event with its source.
    const requestId = refused.headers?.get('x-roukey-request-id');
    const record = await waitFor(() => ports.records.find((r) => r.requestId === requestId));
    expect(record).toMatchObject({ status: 429, errorType: 'rate_limited', refusedBy: 'requestsPerMinutePerKey', accountId: PRINCIPAL_REF.accountId });
    expect(record.provider).toBeUndefined();
    expect(ports.securityEvents).toContainEqual(
      expect.objectContaining({ kind: 'rate_limited', code: 'requestsPerMinutePerKey', accountId: PRINCIPAL_REF.accountId, apiKeyId: PRINCIPAL.apiKeyId }),
    );
  });

  it('over the monthly quota, 429 quota_exceeded; tokens reported by admitted requests count against the token quota', async () => {
    useGate({ requestsPerMonth: 1_000, tokensPerMonth: 10 });
    // The fake reports 18 tokens: the first request is admitted, and its tokens use up the quota.
    await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages });
    const err = (await waitFor(async () => {
      const e = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages }).catch((x: unknown) => x);
      return e instanceof APIError ? e : undefined;
    })) as APIError;
    expect(err.status).toBe(429);
    expect(err.error).toMatchObject({ code: 'quota_exceeded', param: 'tokensPerMonth' });
    // Until the month ends.
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(ports.securityEvents).toContainEqual(expect.objectContaining({ kind: 'quota_exceeded', code: 'tokensPerMonth' }));
  });

  it('Anthropic’s front end answers the same refusal in Anthropic’s error shape, with the same headers', async () => {
    useGate({ requestsPerMinutePerKey: 1 });
    const anthropic = new Anthropic({ apiKey: RK_KEY, baseURL: server.url, maxRetries: 0 });
    await anthropic.messages.create({ model: 'work/gpt-4o-mini', max_tokens: 16, messages });
    const err = (await anthropic.messages.create({ model: 'work/gpt-4o-mini', max_tokens: 16, messages }).catch((e: unknown) => e)) as AnthropicAPIError;
    expect(err.status).toBe(429);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(err.headers?.get('x-ratelimit-limit-requests')).toBe('1');
    expect(err.headers?.get('retry-after')).toBeTruthy();
  });

  it('P8: a suspended account’s API keys get 403 account_suspended (chat and model lists), recorded as a security event; nothing reaches the provider', async () => {
    useGate({}, 'suspended');
    const upstreamCalls = fake.requests.length;
    const err = (await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(403);
    expect(err.error).toMatchObject({ type: 'permission_error', code: 'account_suspended' });
    // Its model list too, which would call the providers with the account's keys.
    const models = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${RK_KEY}` } });
    expect(models.status).toBe(403);
    expect(((await models.json()) as { error: { code: string } }).error.code).toBe('account_suspended');
    expect(fake.requests.length).toBe(upstreamCalls);
    expect(ports.securityEvents).toContainEqual(expect.objectContaining({ kind: 'account_suspended', accountId: PRINCIPAL_REF.accountId }));
  });

  it('P7/P8: an invalid key is a security event under its source, with the key’s prefix only', async () => {
    const badKey = `rk_${'x'.repeat(40)}`;
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${badKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'work/gpt-4o-mini', messages }),
    });
    expect(res.status).toBe(401);
    const event = await waitFor(() => ports.securityEvents.find((e) => e.kind === 'invalid_api_key'));
    expect(event).toMatchObject({ keyPrefix: 'rk_xxxxxxxx', sourceIp: '127.0.0.1', route: '/v1/chat/completions' });
    expect(event.accountId).toBeUndefined();
    expect(JSON.stringify(ports.securityEvents)).not.toContain(badKey);
  });
});

describe('DynamoDB round trips before the first upstream byte', () => {
  it('100 requests under a large limit: the first reads the account and leases once per counter; the other 99 make no DynamoDB call at all', async () => {
    // The real account repository and limit counters, through one client that counts what it sends.
    const counted = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT });
    const sent: string[] = [];
    const send = counted.send.bind(counted);
    counted.send = ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
      sent.push(command.constructor.name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof counted.send;
    const accounts = createAccountRepository(counted, tables.accounts);
    const accountId = await createAccountService(accounts).ensureAccount(`sub-${randomUUID()}`);
    await accounts.changeStanding(accountId, { limitOverrides: { requestsPerMinutePerKey: 1_000_000, requestsPerMonth: 1_000_000_000 } });
    ports.authenticatorPrincipal = { ...PRINCIPAL, accountId };
    ports.gate = createRequestGate(createAccountStateReader(accounts, planCatalog()), createLimitCounters(counted, tables.limits));

    // The upstream notes how many calls had been sent when each request reached it (before its first byte back).
    let requestStartedAt = 0;
    const beforeUpstream: number[] = [];
    fake.configure({
      beforeChunk: async (index) => {
        if (index === 0) beforeUpstream.push(sent.length - requestStartedAt);
      },
    });
    try {
      for (let i = 0; i < 100; i++) {
        const records = ports.records.length;
        requestStartedAt = sent.length;
        const stream = await client.chat.completions.create({ model: 'work/gpt-4o-mini', messages, stream: true });
        for await (const _ of stream);
        // The request is done only once its record is written (after the month's settle): the next one starts clean.
        await waitFor(() => (ports.records.length > records ? true : undefined));
      }
    } finally {
      fake.configure({ beforeChunk: undefined });
      ports.authenticatorPrincipal = undefined;
    }
    expect(beforeUpstream).toHaveLength(100);
    // The account's standing (GetItem), the key's minute and the account's month (one UpdateItem each).
    expect(beforeUpstream[0]).toBe(3);
    expect(beforeUpstream.slice(1).reduce((a, b) => a + b, 0)).toBe(0);
    counted.destroy();
  });
});
