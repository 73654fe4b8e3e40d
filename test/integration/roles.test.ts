import { randomUUID } from 'node:crypto';
import { MAX_SAMPLE_CHARS } from '../../lambdas/configs/role-classification.js';
import { newId } from '../../lambdas/keys/key-material.js';
import { BUILTIN_ROLES } from '../../lambdas/routing/classify/builtin-roles.js';
import { BUILTIN_ROLE_NAMES } from '../../lambdas/routing/config-schema.js';
import { loadRuntimeConfig } from '../../lambdas/runtime-config.js';
import { createRoleRepository } from '../../lambdas/store/accounts-roles.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables, scanAllTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

let roles: ManagementLambda;
let configs: ManagementLambda;
let providerKeys: ManagementLambda;
let endpoint: string;
let tables: Record<TableName, string>;
let output: OutputCapture;

beforeAll(async () => {
  // Accounts start on the plan with every feature: plan limits are tested in plans.test.ts.
  process.env.ROUKEY_DEFAULT_PLAN = 'enterprise';
  ({ endpoint, tables } = await createTestTables());
  process.env.LOCAL_KEYRING_FILE = testKeyringFile();
  output = captureOutput();
  roles = withConsent((await import('../../lambdas/handlers/roles.js')).handler);
  configs = withConsent((await import('../../lambdas/handlers/configs.js')).handler);
  providerKeys = withConsent((await import('../../lambdas/handlers/provider-keys.js')).handler);
});

afterAll(() => output.restore());

const role = (sub: string, method: string, options: { name?: string; body?: unknown } = {}) =>
  call(
    roles,
    managementEvent(method, options.name === undefined ? '/v1/roles' : '/v1/roles/{name}', {
      sub,
      body: options.body,
      params: options.name === undefined ? undefined : { name: options.name },
    }),
  );
const legal = {
  name: 'legal',
  description: 'Contracts, terms and compliance questions.',
  examples: ['Review this NDA clause'],
  keywords: ['contract', 'nda'],
  systemPrompt: 'You are a careful legal assistant.',
};

describe('roles: /v1/roles', () => {
  it('lists the built-in roles for a new account, none overridden', async () => {
    const res = await role(randomUUID(), 'GET');
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('list');
    expect(res.body.data.map((r: any) => r.name)).toEqual([...BUILTIN_ROLE_NAMES]);
    expect(res.body.data[0]).toEqual({
      ...BUILTIN_ROLES[0],
      systemPrompt: BUILTIN_ROLES[0]!.systemPrompt ?? null,
      builtIn: true,
      overridden: false,
      createdAt: null,
      updatedAt: null,
    });
  });

  it('custom roles: create, get, list beside the built-ins, replace, delete', async () => {
    const sub = randomUUID();
    const created = await role(sub, 'POST', { body: legal });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...legal, builtIn: false, overridden: false, createdAt: expect.any(String), updatedAt: created.body.createdAt });
    expect(await role(sub, 'GET', { name: 'legal' })).toEqual({ status: 200, body: created.body });
    await role(sub, 'POST', { body: { name: 'billing', description: 'Invoices and payments.' } });
    const names = (await role(sub, 'GET')).body.data.map((r: any) => r.name);
    expect(names).toEqual([...BUILTIN_ROLE_NAMES, 'billing', 'legal']);

    const dup = await role(sub, 'POST', { body: legal });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('PUT /v1/roles/legal');

    // PUT replaces the whole definition (the system prompt left out is gone) and keeps createdAt.
    const replaced = await role(sub, 'PUT', { name: 'legal', body: { description: 'Legal questions.' } });
    expect(replaced).toEqual({
      status: 200,
      body: {
        name: 'legal',
        description: 'Legal questions.',
        examples: [],
        keywords: [],
        systemPrompt: null,
        builtIn: false,
        overridden: false,
        createdAt: created.body.createdAt,
        updatedAt: expect.any(String),
      },
    });
    // PUT of a new name creates it.
    expect((await role(sub, 'PUT', { name: 'hr', body: { description: 'People questions.' } })).status).toBe(201);

    expect(await role(sub, 'DELETE', { name: 'legal' })).toEqual({ status: 204, body: undefined });
    expect((await role(sub, 'GET', { name: 'legal' })).status).toBe(404);
    expect((await role(sub, 'DELETE', { name: 'legal' })).status).toBe(404);
    // Another account sees none of them.
    expect((await role(randomUUID(), 'GET', { name: 'billing' })).status).toBe(404);
    expect((await role(randomUUID(), 'DELETE', { name: 'billing' })).status).toBe(404);
  });

  it('built-in roles: POST is refused, PUT overrides, DELETE reverts; a built-in without override has nothing to delete', async () => {
    const sub = randomUUID();
    const post = await role(sub, 'POST', { body: { name: 'coding', description: 'Mine.' } });
    expect(post.status).toBe(409);
    expect(post.body.error).toMatchObject({ param: 'name', message: "'coding' is a built-in role; override it with PUT /v1/roles/coding." });

    const override = await role(sub, 'PUT', { name: 'coding', body: { description: 'TypeScript and AWS CDK only.', keywords: ['cdk'] } });
    expect(override.status).toBe(201);
    expect(override.body).toMatchObject({ name: 'coding', description: 'TypeScript and AWS CDK only.', builtIn: true, overridden: true });
    const listed = (await role(sub, 'GET')).body.data;
    expect(listed.map((r: any) => r.name)).toEqual([...BUILTIN_ROLE_NAMES]);
    expect(listed[0]).toEqual(override.body);
    expect((await role(sub, 'PUT', { name: 'coding', body: { description: 'Again.' } })).status).toBe(200);

    expect((await role(sub, 'DELETE', { name: 'coding' })).status).toBe(204);
    expect((await role(sub, 'GET', { name: 'coding' })).body).toMatchObject({ description: BUILTIN_ROLES[0]!.description, builtIn: true, overridden: false });
    const again = await role(sub, 'DELETE', { name: 'coding' });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe("Role 'coding' is built in and has no override to delete.");
  });

  it('a custom role that configs use cannot be deleted (409 naming them); a built-in a config uses can still be overridden and reverted', async () => {
    const sub = randomUUID();
    expect((await call(providerKeys, managementEvent('POST', '/v1/provider-keys', { sub, body: { provider: 'openai', apiKey: 'sk-test-1234' } }))).status).toBe(
      201,
    );
    await role(sub, 'POST', { body: legal });
    const t = [{ model: 'openai/gpt-4o' }];
    for (const name of ['triage', 'contracts']) {
      const res = await call(
        configs,
        managementEvent('POST', '/v1/configs', { sub, body: { name, strategy: 'role', roles: { coding: t, legal: t }, defaultRole: 'coding' } }),
      );
      expect(res.status).toBe(201);
    }
    const refused = await role(sub, 'DELETE', { name: 'legal' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe("Role 'legal' is used by configs: contracts, triage. Remove it from them first.");
    // Replacing the role keeps the configs' hold on it.
    await role(sub, 'PUT', { name: 'legal', body: { description: 'Still legal.' } });
    expect((await role(sub, 'DELETE', { name: 'legal' })).status).toBe(409);

    await role(sub, 'PUT', { name: 'coding', body: { description: 'Override.' } });
    expect((await role(sub, 'DELETE', { name: 'coding' })).status).toBe(204);

    for (const name of ['triage', 'contracts']) await call(configs, managementEvent('DELETE', '/v1/configs/{name}', { sub, params: { name } }));
    expect((await role(sub, 'DELETE', { name: 'legal' })).status).toBe(204);
  });

  it('bad input is a 400 naming the field, and nothing is written', async () => {
    const sub = randomUUID();
    await role(sub, 'POST', { body: legal });
    const before = await scanAllTables(endpoint, tables);
    const cases: [string, string | undefined, unknown, string][] = [
      ['POST', undefined, { name: 'x' }, 'description'],
      ['POST', undefined, { name: 'x', description: '   ' }, 'description'],
      ['POST', undefined, { description: 'x' }, 'name'],
      ['POST', undefined, { name: 'Legal Team', description: 'x' }, 'name'],
      ['POST', undefined, { name: 'x', description: 'x', examples: 'one' }, 'examples'],
      ['POST', undefined, { name: 'x', description: 'x', keywords: ['a'.repeat(65)] }, 'keywords.0'],
      ['POST', undefined, { name: 'x', description: 'x', systemPrompt: 'p'.repeat(20_001) }, 'systemPrompt'],
      ['POST', undefined, { name: 'x', description: 'x', priority: 1 }, 'priority'],
      ['PUT', 'legal', { name: 'legal', description: 'x' }, 'name'],
      ['PUT', 'legal', {}, 'description'],
      ['PUT', 'Bad Name', { description: 'x' }, 'name'],
    ];
    for (const [method, name, body, param] of cases) {
      const res = await role(sub, method, { name, body });
      expect({ param, status: res.status }).toEqual({ param, status: 400 });
      expect(res.body.error.param).toBe(param);
      expect(res.body.error.message).toContain(`'${param}'`);
    }
    expect(await scanAllTables(endpoint, tables)).toEqual(before);
  });

  it('P6: a role is account data in the accounts table, with no TTL, and its prompts reach no log line', async () => {
    const sub = randomUUID();
    const canary = `CANARY-role-${randomUUID()}`;
    await role(sub, 'POST', { body: { ...legal, name: 'canary', examples: [canary], systemPrompt: canary } });
    await role(sub, 'POST', { body: { ...legal, name: 'canary', systemPrompt: canary } }); // 409
    await role(sub, 'PUT', { name: 'canary', body: { description: 'x', systemPrompt: canary } });
    await role(sub, 'GET');
    const all = await scanAllTables(endpoint, tables);
    const holding = Object.entries(all).flatMap(([table, items]) => items.filter((i) => JSON.stringify(i).includes(canary)).map((i) => ({ table, i })));
    expect(holding.map(({ table, i }) => [table, String(i.sk)])).toEqual([['accounts', 'ROLE#canary']]);
    expect(holding[0]!.i.expiresAt).toBeUndefined();
    expect(output.text()).toContain('"route":"/v1/roles/{name}"');
    expect(output.text()).not.toContain(canary);
  });
});

const classify = (sub: string, body: unknown) => call(roles, managementEvent('POST', '/v1/roles/classify', { sub, body }));

describe('POST /v1/roles/classify', () => {
  it('names the role among the built-ins with its confidence and the complexity band', async () => {
    const res = await classify(randomUUID(), { prompt: 'Fix this TypeScript function: `const f = (a) => a.map(x => x * 2` throws a syntax error' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'role_classification',
      role: 'coding',
      confidence: expect.any(Number),
      method: 'local',
      minConfidence: 0.4,
      belowMinConfidence: res.body.confidence < 0.4,
      complexity: expect.any(Number),
      candidates: BUILTIN_ROLE_NAMES.length,
    });
    expect(res.body.confidence).toBeGreaterThan(1 / BUILTIN_ROLE_NAMES.length);
    expect(res.body.confidence).toBeLessThanOrEqual(1);
    expect(res.body.complexity).toBeGreaterThanOrEqual(1);
    expect(res.body.complexity).toBeLessThanOrEqual(5);
  });

  it("reads the account's own role set: a custom role joins the candidates, an override replaces its built-in; other accounts see neither", async () => {
    const sub = randomUUID();
    const prompt = 'Is this indemnification clause in our vendor NDA enforceable?';
    expect((await classify(sub, { prompt })).body.role).not.toBe('legal');
    await role(sub, 'POST', {
      body: {
        name: 'legal',
        description: 'Contracts, NDAs, clauses, liability and compliance questions.',
        keywords: ['contract', 'nda', 'clause', 'indemnification', 'enforceable'],
        examples: ['Review this NDA clause', 'Is this contract enforceable?'],
      },
    });
    const withCustom = await classify(sub, { prompt });
    expect(withCustom.body).toMatchObject({ role: 'legal', candidates: BUILTIN_ROLE_NAMES.length + 1 });

    // The built-in `chat` overridden to be about ship engines: a prompt on them now goes to it.
    const engines = 'The diesel turbocharger on the port engine is overheating';
    expect((await classify(sub, { prompt: engines })).body.role).not.toBe('chat');
    await role(sub, 'PUT', {
      name: 'chat',
      body: { description: 'Ship engines and turbochargers.', keywords: ['diesel', 'turbocharger', 'engine', 'overheating'] },
    });
    expect((await classify(sub, { prompt: engines })).body.role).toBe('chat');

    expect((await classify(randomUUID(), { prompt })).body).toMatchObject({ candidates: BUILTIN_ROLE_NAMES.length });
    expect((await classify(randomUUID(), { prompt: engines })).body.role).not.toBe('chat');
  });

  it('reads earlier messages as a request carries them: a system message changes the reading', async () => {
    const sub = randomUUID();
    const prompt = 'Good morning, how are you today?';
    const alone = await classify(sub, { prompt });
    const withContext = await classify(sub, {
      messages: [{ role: 'system', content: 'Translate every message into French, German and Spanish.' }],
      prompt,
    });
    expect(withContext.status).toBe(200);
    expect({ role: withContext.body.role, confidence: withContext.body.confidence }).not.toEqual({ role: alone.body.role, confidence: alone.body.confidence });
  });

  it('bad input is a 400 naming the field and changes nothing; "classify" cannot be a role name', async () => {
    const sub = randomUUID();
    await classify(sub, { prompt: 'hello' });
    const before = await scanAllTables(endpoint, tables);
    const cases: [unknown, string][] = [
      [{}, 'prompt'],
      [{ prompt: '   ' }, 'prompt'],
      [{ prompt: 42 }, 'prompt'],
      [{ prompt: 'x'.repeat(MAX_SAMPLE_CHARS + 1) }, 'prompt'],
      [{ prompt: 'x', messages: 'hi' }, 'messages'],
      [{ prompt: 'x', messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.role'],
      [{ prompt: 'x', messages: Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' })) }, 'messages'],
      [{ prompt: 'x', model: 'fake/gpt' }, 'model'],
    ];
    for (const [body, param] of cases) {
      const res = await classify(sub, body);
      expect({ param, status: res.status, got: res.body.error.param }).toEqual({ param, status: 400, got: param });
    }
    const post = await role(sub, 'POST', { body: { name: 'classify', description: 'x' } });
    expect({ status: post.status, param: post.body.error.param }).toEqual({ status: 400, param: 'name' });
    const put = await role(sub, 'PUT', { name: 'classify', body: { description: 'x' } });
    expect({ status: put.status, param: put.body.error.param }).toEqual({ status: 400, param: 'name' });
    expect(await scanAllTables(endpoint, tables)).toEqual(before);
  });

  it('P1: the sample prompt and its context reach no table, no log or audit line, and are not echoed back', async () => {
    const sub = randomUUID();
    const canary = `CANARY-classify-${randomUUID()}`;
    const res = await classify(sub, { prompt: `Please summarise ${canary} for me`, messages: [{ role: 'system', content: `ctx ${canary}` }] });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(canary);
    // A refused one too: the 400's message names the rule, never the value.
    const refused = await classify(sub, { prompt: canary, messages: [{ role: 'tool', content: canary }] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain(canary);

    const all = await scanAllTables(endpoint, tables);
    expect(JSON.stringify(all)).not.toContain(canary);
    // The calls were logged (metadata only), and the prompt is in none of the lines.
    expect(output.text()).toContain('"route":"/v1/roles/classify"');
    expect(output.text()).not.toContain(canary);
  });
});

describe('role repository', () => {
  it('holds the custom-role count under concurrent creates; overrides are not counted', async () => {
    const store = createRoleRepository(createDocumentClient(loadRuntimeConfig()), tables.accounts);
    const accountId = newId('acc');
    const now = new Date().toISOString();
    const def = (name: string) => ({ name, description: 'd', examples: [], keywords: [] });
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => store.create(accountId, def(n), now, 2)));
    expect(results.map((r) => r.status).sort()).toEqual(['created', 'created', 'limit', 'limit', 'limit']);
    expect(results.filter((r) => r.status === 'limit')).toEqual(Array(3).fill({ status: 'limit', count: 2 }));
    expect((await store.create(accountId, def('coding'), now)).status).toBe('created');
    const custom = (await store.list(accountId, { consistent: true })).filter((r) => r.role.name !== 'coding');
    expect(custom).toHaveLength(2);
    expect((await store.remove(accountId, custom[0]!.role.name, true)).status).toBe('removed');
    expect((await store.create(accountId, def('f'), now, 2)).status).toBe('created');
  });
});
