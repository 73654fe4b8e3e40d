import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { managementEvent, withConsent } from '../support/management-event.js';
import { createTestTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
let providerKeys: Handler;
let apiKeys: Handler;
let authConfig: Handler;
let tables: Record<TableName, string>;
let db: DynamoDBDocumentClient;
let output: OutputCapture;

beforeAll(async () => {
  // Accounts start on the plan with every feature: plan limits are tested in plans.test.ts.
  process.env.ROUKEY_DEFAULT_PLAN = 'enterprise';
  ({ tables } = await createTestTables());
  Object.assign(process.env, {
    LOCAL_KEYRING_FILE: testKeyringFile(),
    ALLOW_LOOPBACK_BASE_URL: 'true',
    COGNITO_USER_POOL_ID: 'local_pool1',
    COGNITO_CLIENT_ID: 'client1',
    COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
  });
  // Capture every log line the handlers write, to prove no secret reaches them (P2).
  output = captureOutput();
  providerKeys = withConsent((await import('../../lambdas/handlers/provider-keys.js')).handler);
  apiKeys = withConsent((await import('../../lambdas/handlers/api-keys.js')).handler);
  ({ handler: authConfig } = await import('../../lambdas/handlers/auth-config.js'));
  db = DynamoDBDocumentClient.from(localDynamoDbClient(process.env.DYNAMODB_ENDPOINT!));
});

afterAll(() => {
  output.restore();
});

/** A management event; `id` fills the `{id}` path parameter. */
function event(method: string, resource: string, { id, ...options }: { sub?: string; body?: unknown; id?: string } = {}): APIGatewayProxyEvent {
  return managementEvent(method, resource, { ...options, params: id ? { id } : undefined });
}
const ctx = {} as Context;
const json = (res: APIGatewayProxyResult) => JSON.parse(res.body) as Record<string, any>;

async function scanAll(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const table of Object.values(tables)) {
    const out = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
  }
  return items;
}

describe('management handlers', () => {
  it('POST /v1/provider-keys → 201 with the documented shape and security headers; GET lists it', async () => {
    const sub = randomUUID();
    const res = await providerKeys(
      event('POST', '/v1/provider-keys', {
        sub,
        body: { provider: 'openai', name: 'my-openai', apiKey: 'sk-shape-test-abcd', baseUrl: 'http://127.0.0.1:11434/v1' },
      }),
      ctx,
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-type': expect.stringContaining('application/json'),
    });
    const body = json(res);
    expect(Object.keys(body).sort()).toEqual(['baseUrl', 'createdAt', 'hint', 'id', 'name', 'provider']);
    expect(body).toMatchObject({ provider: 'openai', name: 'my-openai', hint: '…abcd', baseUrl: 'http://127.0.0.1:11434/v1' });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    const list = json(await providerKeys(event('GET', '/v1/provider-keys', { sub }), ctx));
    expect(list).toEqual({ object: 'list', data: [body] });
  });

  it('400 naming the field, and nothing written', async () => {
    const sub = randomUUID();
    // The first call creates the account; everything after it must write nothing.
    expect((await providerKeys(event('GET', '/v1/provider-keys', { sub }), ctx)).statusCode).toBe(200);
    const before = await scanAll();
    const cases: [Handler, unknown, string][] = [
      [providerKeys, { provider: 'openai', apiKey: 'sk-x-1234', baseUrl: 'https://169.254.169.254/latest' }, 'baseUrl'],
      [providerKeys, { provider: 'openai', apiKey: 'sk-x-1234', baseUrl: 'ftp://example.com' }, 'baseUrl'],
      [providerKeys, { provider: 'nope', apiKey: 'sk-x-1234' }, 'provider'],
      [providerKeys, { provider: 'openai' }, 'apiKey'],
      [providerKeys, { provider: 'openai', apiKey: 'sk-x-1234', name: 'Not A Slug' }, 'name'],
      [providerKeys, { provider: 'openai', apiKey: 'sk-x-1234', extra: true }, 'extra'],
      [providerKeys, { provider: 'openai', apiKey: 'sk-x-1234', name: 'roukey' }, 'name'],
      [apiKeys, {}, 'name'],
      [apiKeys, { name: '' }, 'name'],
    ];
    for (const [handler, body, param] of cases) {
      const res = await handler(event('POST', '/v1/x', { sub, body }), ctx);
      expect({ param, status: res.statusCode }).toEqual({ param, status: 400 });
      const { error } = json(res);
      expect(error.param).toBe(param);
      expect(error.message).toContain(param);
      expect(error.type).toBe('invalid_request_error');
    }
    const patches: [Handler, unknown, string | null][] = [
      [providerKeys, {}, null],
      [providerKeys, { apiKey: 'short' }, 'apiKey'],
      [providerKeys, { baseUrl: 7 }, 'baseUrl'],
      [providerKeys, { provider: 'groq' }, 'provider'],
      [apiKeys, {}, null],
      [apiKeys, { name: '' }, 'name'],
      [apiKeys, { hint: 'x' }, 'hint'],
    ];
    for (const [handler, body, param] of patches) {
      const res = await handler(event('PATCH', '/v1/x/{id}', { sub, body, id: 'pk_AAAAAAAAAAAAAAAAAAAAAA' }), ctx);
      expect({ body, status: res.statusCode, param: json(res).error.param }).toEqual({ body, status: 400, param });
    }
    const badJson = await providerKeys(event('POST', '/v1/provider-keys', { sub, body: '{"provider": ' }), ctx);
    expect(badJson.statusCode).toBe(400);
    expect(await scanAll()).toEqual(before);
  });

  it('409 on a duplicate name; another account’s ids are 404 and left intact', async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const created = json(await providerKeys(event('POST', '/v1/provider-keys', { sub: alice, body: { provider: 'openai', apiKey: 'sk-alice-1111' } }), ctx));
    expect(created.name).toBe('openai');
    const dup = await providerKeys(event('POST', '/v1/provider-keys', { sub: alice, body: { provider: 'openai', apiKey: 'sk-alice-2222' } }), ctx);
    expect(dup.statusCode).toBe(409);
    expect(json(dup).error.param).toBe('name');

    const key = json(await apiKeys(event('POST', '/v1/api-keys', { sub: alice, body: { name: 'ci' } }), ctx));
    expect((await providerKeys(event('DELETE', '/v1/provider-keys/{id}', { sub: bob, id: created.id }), ctx)).statusCode).toBe(404);
    expect((await apiKeys(event('DELETE', '/v1/api-keys/{id}', { sub: bob, id: key.id }), ctx)).statusCode).toBe(404);
    expect(json(await providerKeys(event('GET', '/v1/provider-keys', { sub: bob }), ctx)).data).toEqual([]);
    expect(json(await providerKeys(event('GET', '/v1/provider-keys', { sub: alice }), ctx)).data).toHaveLength(1);
    expect(json(await apiKeys(event('GET', '/v1/api-keys', { sub: alice }), ctx)).data).toHaveLength(1);

    const del = await providerKeys(event('DELETE', '/v1/provider-keys/{id}', { sub: alice, id: created.id }), ctx);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await apiKeys(event('DELETE', '/v1/api-keys/{id}', { sub: alice, id: key.id }), ctx)).statusCode).toBe(204);
    expect(json(await apiKeys(event('GET', '/v1/api-keys', { sub: alice }), ctx)).data).toEqual([]);
  });

  it('POST /v1/api-keys → 201 with the key shown once; GET shows only a hint', async () => {
    const sub = randomUUID();
    const res = await apiKeys(event('POST', '/v1/api-keys', { sub, body: { name: 'prod' } }), ctx);
    expect(res.statusCode).toBe(201);
    const created = json(res);
    expect(Object.keys(created).sort()).toEqual(['createdAt', 'id', 'key', 'name']);
    expect(created.key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    const listed = await apiKeys(event('GET', '/v1/api-keys', { sub }), ctx);
    expect(listed.body).not.toContain(created.key);
    expect(json(listed).data).toEqual([
      { id: created.id, name: 'prod', hint: `${created.key.slice(0, 7)}…`, createdAt: created.createdAt, lastUsedAt: null, config: null },
    ]);
  });

  it('a call without a sub claim is 401', async () => {
    const res = await apiKeys(event('GET', '/v1/api-keys'), ctx);
    expect(res.statusCode).toBe(401);
    expect(json(res).error.type).toBe('authentication_error');
  });

  it('GET /v1/auth/config is public and derives the issuer; locally there is no managed login to offer', async () => {
    const res = await authConfig(event('GET', '/v1/auth/config'), ctx);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({
      region: expect.any(String),
      userPoolId: 'local_pool1',
      userPoolClientId: 'client1',
      issuer: 'http://127.0.0.1:9229/local_pool1',
      domain: null,
      dashboardClientId: null,
      scopes: [],
      identityProviders: [],
    });
  });

  it('P2: the provider key plaintext appears in no table item and no API response', async () => {
    const sub = randomUUID();
    const secret = `sk-CANARY-${randomBytes(16).toString('hex')}`;
    const responses: string[] = [];
    const call = async (h: Handler, e: APIGatewayProxyEvent) => {
      const res = await h(e, ctx);
      responses.push(JSON.stringify(res));
      return res;
    };
    const created = json(await call(providerKeys, event('POST', '/v1/provider-keys', { sub, body: { provider: 'openai', name: 'canary', apiKey: secret } })));
    expect(created.hint).toBe(`…${secret.slice(-4)}`);
    await call(providerKeys, event('POST', '/v1/provider-keys', { sub, body: { provider: 'openai', name: 'canary', apiKey: secret } })); // 409
    await call(
      providerKeys,
      event('POST', '/v1/provider-keys', { sub, body: { provider: 'openai', name: 'bad', apiKey: secret, baseUrl: 'https://10.0.0.1' } }),
    ); // 400
    await call(providerKeys, event('POST', '/v1/provider-keys', { sub, body: `{"provider":"openai","apiKey":"${secret}"` })); // bad JSON
    await call(providerKeys, event('GET', '/v1/provider-keys', { sub }));

    const haystacks = [JSON.stringify(await scanAll()), ...responses, output.text()];
    const secretBody = secret.slice('sk-CANARY-'.length);
    for (const text of haystacks) {
      expect(text).not.toContain(secretBody);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }
    // The test would notice a leak: the secret is in the table, but only as envelope ciphertext.
    expect(JSON.stringify(await scanAll())).toContain('rkenc.v1.local.');
    expect(output.text()).toContain('"route":"/v1/provider-keys"');
  });
});
