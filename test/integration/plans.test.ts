import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createAccountService } from '../../lambdas/accounts/account-service.js';
import type { CountedLimit } from '../../lambdas/accounts/plan-gates.js';
import { newId } from '../../lambdas/keys/key-material.js';
import { ITEM } from '../../lambdas/store/accounts-items.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables, scanAllTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

let tables: Record<TableName, string>;
let endpoint: string;
let db: DynamoDBDocumentClient;
let handlers: Record<'apiKeys' | 'providerKeys' | 'configs' | 'roles' | 'securityEvents', ManagementLambda>;

beforeAll(async () => {
  ({ endpoint, tables } = await createTestTables());
  // The deployment's defaults: new accounts on Free (3 of each, no custom base URLs, no Bedrock, four strategies).
  Object.assign(process.env, { LOCAL_KEYRING_FILE: testKeyringFile(), ALLOW_LOOPBACK_BASE_URL: 'true', ROUKEY_DEFAULT_PLAN: 'free', ROUKEY_PLANS: '{}' });
  db = DynamoDBDocumentClient.from(localDynamoDbClient(endpoint));
  handlers = {
    apiKeys: withConsent((await import('../../lambdas/handlers/api-keys.js')).handler),
    providerKeys: withConsent((await import('../../lambdas/handlers/provider-keys.js')).handler),
    configs: withConsent((await import('../../lambdas/handlers/configs.js')).handler),
    roles: withConsent((await import('../../lambdas/handlers/roles.js')).handler),
    securityEvents: withConsent((await import('../../lambdas/handlers/security-events.js')).handler),
  };
});

const post = (handler: ManagementLambda, resource: string, sub: string, body: unknown) => call(handler, managementEvent('POST', resource, { sub, body }));
const openaiKey = (name: string, extra: Record<string, unknown> = {}) => ({ provider: 'openai', name, apiKey: `sk-plan-${name}-1234`, ...extra });
const fallback = (name: string) => ({ name, strategy: 'fallback', targets: [{ model: 'openai/gpt-4o-mini' }] });
const role = (name: string) => ({ name, description: `The ${name} role` });

/** A create route, with a body for its n-th item and what must exist before it. */
interface CreateRoute {
  readonly handler: () => ManagementLambda;
  readonly resource: string;
  readonly body: (n: number) => unknown;
  readonly noun: string;
  readonly setup?: (sub: string) => Promise<unknown>;
}

const CREATES: Record<CountedLimit, CreateRoute> = {
  apiKeys: { handler: () => handlers.apiKeys, resource: '/v1/api-keys', body: (n: number) => ({ name: `key-${n}` }), noun: 'API keys' },
  providerKeys: { handler: () => handlers.providerKeys, resource: '/v1/provider-keys', body: (n: number) => openaiKey(`pk-${n}`), noun: 'provider keys' },
  configs: {
    handler: () => handlers.configs,
    resource: '/v1/configs',
    body: (n: number) => fallback(`config-${n}`),
    noun: 'routing configs',
    // The configs' targets name this key.
    setup: (sub: string) => post(handlers.providerKeys, '/v1/provider-keys', sub, openaiKey('openai')),
  },
  customRoles: { handler: () => handlers.roles, resource: '/v1/roles', body: (n: number) => role(`role-${n}`), noun: 'custom roles' },
};

async function eventsOf(sub: string): Promise<any[]> {
  return (await call(handlers.securityEvents, managementEvent('GET', '/v1/security-events', { sub }))).body.data;
}

describe('plan limits on every management create (P15)', () => {
  it.each(Object.keys(CREATES) as CountedLimit[])(
    'P15: %s — 6 parallel creates at the limit minus one: exactly one succeeds, the rest get 403 plan_limit naming the limit and the plan',
    async (limit) => {
      const { handler, resource, body, noun } = CREATES[limit];
      const sub = randomUUID();
      await CREATES[limit].setup?.(sub);
      // Free allows 3: two first, then six at once for the last place.
      for (const n of [1, 2]) expect((await post(handler(), resource, sub, body(n))).status).toBe(201);
      const results = await Promise.all([3, 4, 5, 6, 7, 8].map((n) => post(handler(), resource, sub, body(n))));
      expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403, 403]);
      const refusal = results.find((r) => r.status === 403)!.body.error;
      expect(refusal).toEqual({
        type: 'permission_error',
        code: 'plan_limit',
        param: limit,
        message: `The Free plan allows 3 ${noun}; this account has 3. Delete one or ask for a bigger plan.`,
      });
      const listed = await call(handler(), managementEvent('GET', resource, { sub }));
      const own = limit === 'customRoles' ? listed.body.data.filter((r: any) => !r.builtIn) : listed.body.data;
      expect(own).toHaveLength(3);
      // P8: each refusal is a security event on the account, naming the limit.
      const events = await eventsOf(sub);
      expect(events).toEqual([expect.objectContaining({ kind: 'plan_limit', code: limit, route: resource, sourceIp: '198.51.100.7' })]);
      expect(events[0].count).toBeGreaterThanOrEqual(1);
    },
  );

  it('a delete frees a place (the counter follows deletes)', async () => {
    const sub = randomUUID();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await post(handlers.apiKeys, '/v1/api-keys', sub, { name: `k${n}` })).body.id);
    expect((await post(handlers.apiKeys, '/v1/api-keys', sub, { name: 'k4' })).status).toBe(403);
    expect((await call(handlers.apiKeys, managementEvent('DELETE', '/v1/api-keys/{id}', { sub, params: { id: ids[0]! } }))).status).toBe(204);
    expect((await post(handlers.apiKeys, '/v1/api-keys', sub, { name: 'k4' })).status).toBe(201);
  });

  it('overrides of built-in roles are not counted against custom roles', async () => {
    const sub = randomUUID();
    for (const n of [1, 2, 3]) expect((await post(handlers.roles, '/v1/roles', sub, role(`r${n}`))).status).toBe(201);
    const override = await call(
      handlers.roles,
      managementEvent('PUT', '/v1/roles/{name}', { sub, params: { name: 'coding' }, body: { description: 'Our coding role' } }),
    );
    expect(override.status).toBe(201);
    const extra = await call(
      handlers.roles,
      managementEvent('PUT', '/v1/roles/{name}', { sub, params: { name: 'r4' }, body: { description: 'One too many' } }),
    );
    expect(extra.status).toBe(403);
    expect(extra.body.error.param).toBe('customRoles');
  });

  it('an admin’s per-account override replaces the plan’s number for that account', async () => {
    const sub = randomUUID();
    const repo = createAccountRepository(db, tables.accounts);
    const accountId = newId('acc');
    await repo.createAccount(sub, accountId, new Date().toISOString(), { plan: 'free' });
    await repo.changeStanding(accountId, { limitOverrides: { apiKeys: 1 } });
    expect((await post(handlers.apiKeys, '/v1/api-keys', sub, { name: 'only' })).status).toBe(201);
    const refused = await post(handlers.apiKeys, '/v1/api-keys', sub, { name: 'second' });
    expect(refused.body.error.message).toBe('The Free plan allows 1 API keys; this account has 1. Delete one or ask for a bigger plan.');
  });

  it('keys from before the counters existed are counted: the counter is seeded from the items, exactly', async () => {
    const sub = randomUUID();
    const accountId = await createAccountService(createAccountRepository(db, tables.accounts)).ensureAccount(sub);
    // Three keys written the old way: items only, and a COUNTS item without the new counters.
    for (const n of [1, 2, 3]) {
      const id = newId('key');
      await db.send(
        new PutCommand({
          TableName: tables.accounts,
          Item: { ...ITEM.apiKey(accountId, id), id, name: `old-${n}`, hint: 'rk_…', keyHash: randomUUID(), createdAt: new Date().toISOString() },
        }),
      );
    }
    await db.send(new UpdateCommand({ TableName: tables.accounts, Key: ITEM.counts(accountId), UpdateExpression: 'REMOVE apiKeys, providerKeys' }));
    const refused = await post(handlers.apiKeys, '/v1/api-keys', sub, { name: 'new' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('this account has 3');
    const old = (await call(handlers.apiKeys, managementEvent('GET', '/v1/api-keys', { sub }))).body.data[0];
    expect((await call(handlers.apiKeys, managementEvent('DELETE', '/v1/api-keys/{id}', { sub, params: { id: old.id } }))).status).toBe(204);
    expect((await post(handlers.apiKeys, '/v1/api-keys', sub, { name: 'new' })).status).toBe(201);
  });
});

describe('plan features, checked on the server (P15)', () => {
  it('a Bedrock key on a plan without Bedrock → 403 plan_feature naming bedrock; nothing written; a security event', async () => {
    const sub = randomUUID();
    await call(handlers.providerKeys, managementEvent('GET', '/v1/provider-keys', { sub }));
    const before = (await scanAllTables(endpoint, tables)).accounts.length;
    const res = await post(handlers.providerKeys, '/v1/provider-keys', sub, { provider: 'bedrock', name: 'aws', region: 'us-east-1' });
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({
      type: 'permission_error',
      code: 'plan_feature',
      param: 'bedrock',
      message: 'The Free plan does not include Bedrock provider keys. Ask for a bigger plan.',
    });
    expect((await scanAllTables(endpoint, tables)).accounts.length).toBe(before);
    expect((await eventsOf(sub)).map((e) => [e.kind, e.code])).toEqual([['plan_feature', 'bedrock']]);
  });

  it('a provider key with its own baseUrl → 403 plan_feature naming customBaseUrls (custom and azure keys need one)', async () => {
    const sub = randomUUID();
    for (const body of [
      openaiKey('proxy', { baseUrl: 'http://127.0.0.1:11434/v1' }),
      { provider: 'custom', name: 'vllm', apiKey: 'sk-vllm-1234', baseUrl: 'http://127.0.0.1:8000/v1' },
    ]) {
      const res = await post(handlers.providerKeys, '/v1/provider-keys', sub, body);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'plan_feature', param: 'customBaseUrls' });
    }
    expect((await post(handlers.providerKeys, '/v1/provider-keys', sub, openaiKey('plain'))).status).toBe(201);
  });

  it('a strategy outside the plan → 403 plan_feature naming strategies, on create and on replace', async () => {
    const sub = randomUUID();
    expect((await post(handlers.providerKeys, '/v1/provider-keys', sub, openaiKey('openai'))).status).toBe(201);
    const roleConfig = { name: 'smart', strategy: 'role', roles: { chat: [{ model: 'openai/gpt-4o-mini' }] }, defaultRole: 'chat' };
    const created = await post(handlers.configs, '/v1/configs', sub, roleConfig);
    expect(created.status).toBe(403);
    expect(created.body.error).toMatchObject({ code: 'plan_feature', param: 'strategies' });
    expect(created.body.error.message).toBe(
      "The Free plan does not include the 'role' strategy (it includes: fallback, weighted, cost, latency). Ask for a bigger plan.",
    );

    expect((await post(handlers.configs, '/v1/configs', sub, fallback('smart'))).status).toBe(201);
    const { name: _name, ...replacement } = roleConfig;
    const replaced = await call(handlers.configs, managementEvent('PUT', '/v1/configs/{name}', { sub, params: { name: 'smart' }, body: replacement }));
    expect(replaced.status).toBe(403);
    expect(replaced.body.error).toMatchObject({ code: 'plan_feature', param: 'strategies' });
    expect((await call(handlers.configs, managementEvent('GET', '/v1/configs/{name}', { sub, params: { name: 'smart' } }))).body.strategy).toBe('fallback');
  });
});
