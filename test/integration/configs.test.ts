import { randomUUID } from 'node:crypto';
import { createApiKeyAuthenticator } from '../../lambdas/keys/api-key-authenticator.js';
import { newId } from '../../lambdas/keys/key-material.js';
import { loadRuntimeConfig } from '../../lambdas/runtime-config.js';
import { createApiKeyRepository } from '../../lambdas/store/accounts-api-keys.js';
import { createConfigRepository } from '../../lambdas/store/accounts-configs.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables, scanAllTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

let configs: ManagementLambda;
let providerKeys: ManagementLambda;
let apiKeys: ManagementLambda;
let endpoint: string;
let tables: Record<TableName, string>;

beforeAll(async () => {
  // Accounts start on the plan with every feature: plan limits are tested in plans.test.ts.
  process.env.ROUKEY_DEFAULT_PLAN = 'enterprise';
  ({ endpoint, tables } = await createTestTables());
  process.env.LOCAL_KEYRING_FILE = testKeyringFile();
  configs = withConsent((await import('../../lambdas/handlers/configs.js')).handler);
  providerKeys = withConsent((await import('../../lambdas/handlers/provider-keys.js')).handler);
  apiKeys = withConsent((await import('../../lambdas/handlers/api-keys.js')).handler);
});

const config = (sub: string, method: string, options: { name?: string; body?: unknown } = {}) =>
  call(
    configs,
    managementEvent(method, options.name === undefined ? '/v1/configs' : '/v1/configs/{name}', {
      sub,
      body: options.body,
      params: options.name === undefined ? undefined : { name: options.name },
    }),
  );

async function addProviderKey(sub: string, name: string): Promise<string> {
  const res = await call(
    providerKeys,
    managementEvent('POST', '/v1/provider-keys', { sub, body: { provider: 'openai', name, apiKey: `sk-test-${name}-1234` } }),
  );
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const deleteProviderKey = (sub: string, id: string) => call(providerKeys, managementEvent('DELETE', '/v1/provider-keys/{id}', { sub, params: { id } }));
const bind = (sub: string, id: string, configName: string | null) =>
  call(apiKeys, managementEvent('PATCH', '/v1/api-keys/{id}', { sub, body: { config: configName }, params: { id } }));
const fallback = (name: string, ...models: string[]) => ({ name, strategy: 'fallback', targets: models.map((model) => ({ model })) });
const accountsItems = async () => (await scanAllTables(endpoint, tables)).accounts;

describe('routing configs: /v1/configs', () => {
  it('create, list, get, replace and delete; stored with defaults filled', async () => {
    const sub = randomUUID();
    await addProviderKey(sub, 'openai');
    await addProviderKey(sub, 'backup');

    const created = await config(sub, 'POST', { body: { ...fallback('support-bot', 'openai/gpt-4o-mini', 'backup/llama-3.1-8b'), description: 'Support' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name: 'support-bot',
      description: 'Support',
      strategy: 'fallback',
      targets: [
        { model: 'openai/gpt-4o-mini', weight: 1 },
        { model: 'backup/llama-3.1-8b', weight: 1 },
      ],
      createdAt: expect.any(String),
      updatedAt: created.body.createdAt,
    });
    expect(await config(sub, 'GET')).toEqual({ status: 200, body: { object: 'list', data: [created.body] } });
    expect(await config(sub, 'GET', { name: 'support-bot' })).toEqual({ status: 200, body: created.body });

    // PUT: the name may be left out (it is the path's) or repeated.
    await new Promise((r) => setTimeout(r, 5));
    const replaced = await config(sub, 'PUT', { name: 'support-bot', body: { strategy: 'weighted', targets: [{ model: 'openai/gpt-4o', weight: 3 }] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({
      name: 'support-bot',
      strategy: 'weighted',
      targets: [{ model: 'openai/gpt-4o', weight: 3 }],
      createdAt: created.body.createdAt,
      updatedAt: expect.any(String),
    });
    expect(replaced.body.updatedAt > created.body.updatedAt).toBe(true);
    expect((await config(sub, 'PUT', { name: 'support-bot', body: fallback('support-bot', 'backup/m') })).status).toBe(200);
    expect((await config(sub, 'PUT', { name: 'nope', body: fallback('nope', 'backup/m') })).status).toBe(404);

    const dup = await config(sub, 'POST', { body: fallback('support-bot', 'openai/x') });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ param: 'name', message: expect.stringContaining('PUT /v1/configs/support-bot') });

    // One CONFIG# item, no TTL (P9).
    const items = (await accountsItems()).filter((i) => String(i.sk).startsWith('CONFIG#support-bot'));
    expect(items).toHaveLength(1);
    expect(items[0]!.expiresAt).toBeUndefined();

    expect(await config(sub, 'DELETE', { name: 'support-bot' })).toEqual({ status: 204, body: undefined });
    expect((await config(sub, 'GET', { name: 'support-bot' })).status).toBe(404);
    expect((await config(sub, 'DELETE', { name: 'support-bot' })).status).toBe(404);
    expect((await config(sub, 'GET', { name: 'Not A Slug' })).status).toBe(404);
  });

  it('bad input is a 400 whose param is the exact field, and nothing is written', async () => {
    const sub = randomUUID();
    await addProviderKey(sub, 'openai');
    await config(sub, 'POST', { body: fallback('existing', 'openai/m') });
    const before = await scanAllTables(endpoint, tables);
    const t = [{ model: 'openai/m' }];
    const cases: [string, unknown, string][] = [
      ['POST', { name: 'x', strategy: 'fallback' }, 'targets'],
      ['POST', { name: 'x', strategy: 'weighted', targets: [] }, 'targets'],
      ['POST', { name: 'x', strategy: 'role', roles: { coding: t } }, 'defaultRole'],
      ['POST', { name: 'x', strategy: 'role', defaultRole: 'chat' }, 'roles'],
      ['POST', { name: 'x', strategy: 'role', roles: { coding: t }, defaultRole: 'chat' }, 'defaultRole'],
      ['POST', { name: 'x', strategy: 'complexity' }, 'bands'],
      ['POST', { name: 'x', strategy: 'ab' }, 'variants'],
      [
        'POST',
        {
          name: 'x',
          strategy: 'ab',
          variants: [
            { name: 'a', percent: 60, targets: t },
            { name: 'b', percent: 30, targets: t },
          ],
        },
        'variants',
      ],
      ['POST', { name: 'x', strategy: 'role', roles: { coding: t }, defaultRole: 'coding', classifier: { method: 'llm' } }, 'classifier.model'],
      ['POST', { name: 'x', strategy: 'nope', targets: t }, 'strategy'],
      ['POST', { name: 'Bad Name', strategy: 'fallback', targets: t }, 'name'],
      ['POST', { ...fallback('x', 'openai/m'), extra: true }, 'extra'],
      ['POST', { name: 'x', strategy: 'fallback', targets: [{ model: 'openai/m', priority: 1 }] }, 'targets.0.priority'],
      ['POST', { name: 'x', strategy: 'fallback', targets: [{ model: 'gpt-4o' }] }, 'targets.0.model'],
      ['POST', { name: 'x', strategy: 'fallback', targets: [{ model: 'openai/m', weight: 0 }] }, 'targets.0.weight'],
      ['POST', { name: 'x', strategy: 'fallback', targets: t, reliability: { retries: 9 } }, 'reliability.retries'],
      ['POST', { name: 'x', strategy: 'fallback', targets: t, rules: [{ when: {}, targets: t }] }, 'rules.0.when'],
      // Semantic checks: references to provider keys and roles the account does not have.
      ['POST', fallback('x', 'openai/m', 'other/m'), 'targets.1.model'],
      [
        'POST',
        { name: 'x', strategy: 'role', roles: { coding: t, legal: [{ model: 'openai/m' }, { model: 'missing/m' }] }, defaultRole: 'coding' },
        'roles.legal.1.model',
      ],
      ['POST', { name: 'x', strategy: 'role', roles: { coding: t, legal: t }, defaultRole: 'coding' }, 'roles.legal'],
      [
        'POST',
        { name: 'x', strategy: 'role', roles: { coding: t }, defaultRole: 'coding', classifier: { method: 'llm', model: 'missing/m' } },
        'classifier.model',
      ],
      [
        'POST',
        {
          name: 'x',
          strategy: 'ab',
          variants: [
            { name: 'a', percent: 50, targets: t },
            { name: 'b', percent: 50, targets: [{ model: 'missing/m' }] },
          ],
        },
        'variants.1.targets.0.model',
      ],
      ['POST', { name: 'x', strategy: 'complexity', bands: { '1': t, '5': [{ model: 'missing/m' }] } }, 'bands.5.0.model'],
      [
        'POST',
        { name: 'x', strategy: 'fallback', targets: t, rules: [{ when: { tools: true }, targets: [{ model: 'missing/m' }] }] },
        'rules.0.targets.0.model',
      ],
      ['POST', fallback('x', 'roukey/support'), 'targets.0.model'],
      ['POST', { ...fallback('existing', 'openai/m'), defaultRole: 'nope' }, 'defaultRole'],
      // Replace: the same checks, and the body's name must be the path's.
      ['PUT', fallback('renamed', 'openai/m'), 'name'],
      ['PUT', { strategy: 'fallback', targets: [{ model: 'missing/m' }] }, 'targets.0.model'],
      ['PUT', { strategy: 'role', roles: { coding: t } }, 'defaultRole'],
      ['PUT', [fallback('existing', 'openai/m')], ''],
      // Valid but too large for one item (metadata conditions are the one unbounded field).
      [
        'POST',
        {
          ...fallback('x', 'openai/m'),
          rules: [{ when: { metadata: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`h${i}`, Array(50).fill('v'.repeat(256))])) }, targets: t }],
        },
        '',
      ],
    ];
    for (const [method, body, param] of cases) {
      const res = await config(sub, method, { body, name: method === 'PUT' ? 'existing' : undefined });
      expect({ param, status: res.status }).toEqual({ param, status: 400 });
      expect(res.body.error.type).toBe('invalid_request_error');
      if (param === '') continue;
      expect(res.body.error.param).toBe(param);
      expect(res.body.error.message).toContain(`'${param}'`);
    }
    expect(await scanAllTables(endpoint, tables)).toEqual(before);
  });

  it('another account’s provider key cannot be referenced, and another account’s configs are 404', async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    await addProviderKey(bob, 'openai');
    const refused = await config(alice, 'POST', { body: fallback('mine', 'openai/gpt-4o') });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      param: 'targets.0.model',
      message: "Invalid 'targets.0.model': this account has no provider key named 'openai'.",
    });

    expect((await config(bob, 'POST', { body: fallback('shared-name', 'openai/gpt-4o') })).status).toBe(201);
    expect((await config(alice, 'GET', { name: 'shared-name' })).status).toBe(404);
    expect((await config(alice, 'PUT', { name: 'shared-name', body: fallback('shared-name', 'openai/x') })).status).toBe(404);
    expect((await config(alice, 'DELETE', { name: 'shared-name' })).status).toBe(404);
    expect((await config(alice, 'GET')).body.data).toEqual([]);
    expect((await config(bob, 'GET', { name: 'shared-name' })).body.targets).toEqual([{ model: 'openai/gpt-4o', weight: 1 }]);
  });

  it('a provider key that configs use cannot be deleted (409 naming them) until no config uses it', async () => {
    const sub = randomUUID();
    const openai = await addProviderKey(sub, 'openai');
    await addProviderKey(sub, 'backup');
    await config(sub, 'POST', { body: fallback('triage', 'openai/gpt-4o-mini', 'backup/m') });
    await config(sub, 'POST', {
      body: {
        name: 'support-bot',
        strategy: 'role',
        roles: { coding: [{ model: 'openai/gpt-4o' }] },
        defaultRole: 'coding',
        targets: [{ model: 'openai/gpt-4o-mini' }],
      },
    });

    const refused = await deleteProviderKey(sub, openai);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe("Provider key 'openai' is used by configs: support-bot, triage. Remove it from them first.");

    // A replace that drops the key releases it; a delete releases it too.
    await config(sub, 'PUT', { name: 'triage', body: { strategy: 'fallback', targets: [{ model: 'backup/m' }] } });
    expect((await deleteProviderKey(sub, openai)).body.error.message).toBe("Provider key 'openai' is used by configs: support-bot. Remove it from them first.");
    await config(sub, 'DELETE', { name: 'support-bot' });
    expect((await deleteProviderKey(sub, openai)).status).toBe(204);
    // With the key gone, a config naming it is refused again.
    expect((await config(sub, 'PUT', { name: 'triage', body: fallback('triage', 'openai/gpt-4o') })).body.error.param).toBe('targets.0.model');
  });

  it('a provider-key delete racing a config that names it: never both', async () => {
    const sub = randomUUID();
    for (let round = 0; round < 5; round++) {
      const id = await addProviderKey(sub, `racy-${round}`);
      const [created, deleted] = await Promise.all([config(sub, 'POST', { body: fallback(`racer-${round}`, `racy-${round}/m`) }), deleteProviderKey(sub, id)]);
      expect([created.status, deleted.status].sort()).toEqual(created.status === 201 ? [201, 409] : [204, 400]);
    }
  });

  it('PATCH /v1/api-keys/{id} binds a key to a config; the authenticator’s principal carries it; a bound config cannot be deleted', async () => {
    const sub = randomUUID();
    const other = randomUUID();
    await addProviderKey(sub, 'openai');
    await config(sub, 'POST', { body: fallback('support-bot', 'openai/m') });
    await config(sub, 'POST', { body: fallback('triage', 'openai/m') });
    const ci = (await call(apiKeys, managementEvent('POST', '/v1/api-keys', { sub, body: { name: 'ci' } }))).body;
    const prod = (await call(apiKeys, managementEvent('POST', '/v1/api-keys', { sub, body: { name: 'prod' } }))).body;
    const runtime = loadRuntimeConfig();
    const principal = (key: string) =>
      createApiKeyAuthenticator(createApiKeyRepository(createDocumentClient(runtime), runtime.tables.accounts)).authenticate(key);
    expect(await principal(ci.key)).toEqual({ accountId: expect.any(String), apiKeyId: ci.id });

    const bound = await bind(sub, ci.id, 'support-bot');
    expect(bound).toEqual({
      status: 200,
      body: { id: ci.id, name: 'ci', hint: expect.any(String), createdAt: ci.createdAt, lastUsedAt: null, config: 'support-bot' },
    });
    await bind(sub, prod.id, 'support-bot');
    expect((await call(apiKeys, managementEvent('GET', '/v1/api-keys', { sub }))).body.data.map((k: any) => k.config)).toEqual(['support-bot', 'support-bot']);
    expect((await principal(ci.key))?.config).toBe('support-bot');

    const refused = await config(sub, 'DELETE', { name: 'support-bot' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `Config 'support-bot' is bound to API keys: ci (${ci.id}), prod (${prod.id}). Unbind them first (PATCH /v1/api-keys/{id} with {"config": null}).`,
    );

    // Rebinding, unbinding and revoking each release the config.
    expect((await bind(sub, ci.id, 'triage')).body.config).toBe('triage');
    expect((await principal(ci.key))?.config).toBe('triage');
    expect((await bind(sub, prod.id, null)).body.config).toBeNull();
    expect(await principal(prod.key)).toEqual({ accountId: expect.any(String), apiKeyId: prod.id });
    expect((await config(sub, 'DELETE', { name: 'support-bot' })).status).toBe(204);
    expect((await config(sub, 'DELETE', { name: 'triage' })).status).toBe(409);
    expect((await call(apiKeys, managementEvent('DELETE', '/v1/api-keys/{id}', { sub, params: { id: ci.id } }))).status).toBe(204);
    expect((await config(sub, 'DELETE', { name: 'triage' })).status).toBe(204);

    // The config must exist in the caller's account; another account's key is a 404.
    await addProviderKey(other, 'openai');
    expect((await config(other, 'POST', { body: fallback('theirs', 'openai/m') })).status).toBe(201);
    const missing = await bind(sub, prod.id, 'theirs');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ param: 'config', message: "Invalid 'config': this account has no config named 'theirs'." });
    expect((await bind(sub, prod.id, 'Not A Slug')).body.error.param).toBe('config');
    const empty = await call(apiKeys, managementEvent('PATCH', '/v1/api-keys/{id}', { sub, body: {}, params: { id: prod.id } }));
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('name, config');
    expect((await bind(other, prod.id, null)).status).toBe(404);
    expect((await bind(sub, 'key_bogus', null)).status).toBe(404);
  });
});

describe('config repository', () => {
  const store = () => createConfigRepository(createDocumentClient(loadRuntimeConfig()), tables.accounts);
  const refs = { providerKeys: [], customRoles: [] };
  const cfg = (name: string) => ({ name, strategy: 'fallback' as const, targets: [{ model: 'openai/m', weight: 1 }] });

  it('holds the per-account count under concurrent creates', async () => {
    const accountId = newId('acc');
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store().create(accountId, cfg(`c${n}`), refs, new Date().toISOString(), 3)));
    expect(results.filter((r) => r.status === 'written')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'limit')).toHaveLength(3);
    expect(await store().list(accountId)).toHaveLength(3);
    // A delete frees a place.
    await store().remove(accountId, (await store().list(accountId))[0]!.config.name);
    expect((await store().create(accountId, cfg('c7'), refs, new Date().toISOString(), 3)).status).toBe('written');
  });
});
