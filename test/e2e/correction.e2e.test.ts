import { jest } from '@jest/globals';
import { z } from 'zod';
import { createApiKeySchema, createProviderKeySchema, updateApiKeySchema, updateProviderKeySchema } from '../../lambdas/keys/key-schemas.js';
import { profilePatchSchema } from '../../lambdas/profile/preferences.js';
import { roleBodySchema, routingConfigSchema } from '../../lambdas/routing/config-schema.js';
import { readMail } from '../../lib/local/mail-outbox.js';
import { provisionGateway, type ManagementCall, type ProvisionedGateway } from '../support/e2e-setup.js';
import { png } from '../support/images.js';
import { until } from '../support/until.js';

jest.setTimeout(180_000);

/**
 * P19, correction: every field a person gives RouKey, of every resource, is changed through the public API of
 * `npm start` and read back. The fields come from the zod schemas of the wire shapes, so a field added to a schema
 * without a way to correct it (or without a step here that corrects it) fails this test.
 */

let gateway: ProvisionedGateway;
let mgmt: ManagementCall;

beforeAll(async () => {
  // No upstream is called: the provider key `fake` only has to exist for configs to name it.
  gateway = await provisionGateway('http://127.0.0.1:9/v1');
  mgmt = gateway.mgmt;
});

afterAll(async () => {
  await gateway?.stop();
});

/** The leaf fields of an object schema, as dotted paths (`dashboard.theme`); optional, nullable and defaulted fields unwrapped. */
function leaves(schema: z.ZodType, prefix = ''): string[] {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
  if (!(inner instanceof z.ZodObject)) return [prefix];
  return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, field]) => leaves(field, prefix ? `${prefix}.${key}` : key));
}

/** The leaf paths of a value read back (objects only; arrays and scalars are leaves). */
function valueLeaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, v]) => valueLeaves(v, prefix ? `${prefix}.${key}` : key));
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

/** A nested patch body setting `path` to `value`. */
function patchAt(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

async function ok(method: string, path: string, body?: unknown, status = 200): Promise<any> {
  const res = await mgmt(method, path, body);
  expect({ method, path, status: res.status, error: res.json?.error }).toEqual({ method, path, status, error: undefined });
  return res.json;
}

/** Fields a person gives that are not corrected by changing them in place, and why. */
const NOT_IN_PLACE = {
  /** Accepted only as true: security notices cannot be turned off (P21), so there is nothing to correct. */
  'notifications.security': 'fixed',
  /** A provider key's provider is what the key is: another provider's key is a new key (POST, then DELETE the old one). */
  provider: 'identity',
} as const;

async function walkProfile(): Promise<void> {
  const before = await ok('GET', '/v1/me');
  // Every preference the profile shows is a field of the patch.
  const patchable = leaves(profilePatchSchema);
  for (const shown of valueLeaves(before.preferences)) expect(patchable).toContain(shown);

  const corrections: Record<string, unknown> = {
    displayName: 'Ada Walker',
    timezone: 'Europe/Berlin',
    language: 'de',
    'dashboard.defaultDateRange': '30d',
    'dashboard.theme': 'dark',
    'notifications.productUpdates': true,
    'notifications.billing': false,
  };
  expect(Object.keys(corrections).sort()).toEqual(patchable.filter((f) => !(f in NOT_IN_PLACE)).sort());
  const readBack = (me: any, field: string) => (field === 'displayName' ? me.displayName : at(me.preferences, field));
  for (const [field, value] of Object.entries(corrections)) {
    expect(readBack(before, field)).not.toEqual(value);
    await ok('PATCH', '/v1/me', patchAt(field, value));
    expect({ field, value: readBack(await ok('GET', '/v1/me'), field) }).toEqual({ field, value });
  }
  // A display name can be removed again; security notices stay on.
  expect((await ok('PATCH', '/v1/me', { displayName: null })).displayName).toBeNull();
  expect((await mgmt('PATCH', '/v1/me', { notifications: { security: false } })).status).toBe(400);
  expect((await ok('GET', '/v1/me')).preferences.notifications.security).toBe(true);
}

async function walkEmail(): Promise<void> {
  const next = 'ada.walker@roukey.local';
  await ok('POST', '/v1/me/email', { email: next }, 202);
  const mail = await until(
    async () => (await readMail(gateway.local.runtime.mailDir)).find((m) => m.to === next),
    (found) => found !== undefined,
  );
  const code = /(\d{4,10})/.exec(mail?.body ?? '')?.[1];
  expect((await ok('POST', '/v1/me/email/verify', { code })).email).toBe(next);
  expect((await ok('GET', '/v1/me')).email).toBe(next);
}

/** The stored picture's object, which a short-lived link names in its path (the signature changes with each read). */
const pictureOf = (url: string | null) => (url === null ? null : new URL(url).pathname);

async function uploadAvatar(side: number): Promise<string> {
  const previous = pictureOf((await ok('GET', '/v1/me')).avatarUrl);
  const form = await ok('POST', '/v1/me/avatar', { contentType: 'image/png' }, 201);
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields as Record<string, string>)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(png(side, side))], { type: 'image/png' }));
  expect((await fetch(form.url, { method: 'POST', body })).status).toBeLessThan(300);
  const me = await until(
    () => ok('GET', '/v1/me'),
    (m) => m.avatarUrl !== null && pictureOf(m.avatarUrl) !== previous,
  );
  return me.avatarUrl as string;
}

async function walkAvatar(): Promise<void> {
  const first = await uploadAvatar(120);
  const second = await uploadAvatar(240);
  expect(pictureOf(second)).not.toBe(pictureOf(first));
  const shown = Buffer.from(await (await fetch(second)).arrayBuffer());
  expect(shown.equals(Buffer.from(png(240, 240)))).toBe(true);
  await ok('DELETE', '/v1/me/avatar', undefined, 204);
  expect((await ok('GET', '/v1/me')).avatarUrl).toBeNull();
}

async function walkProviderKeys(): Promise<void> {
  const updatable = leaves(updateProviderKeySchema);
  // Whatever a key is created with can be corrected, but what the key is.
  for (const field of leaves(createProviderKeySchema)) if (!(field in NOT_IN_PLACE)) expect(updatable).toContain(field);

  const openai = await ok('POST', '/v1/provider-keys', { provider: 'openai', name: 'walk-openai', apiKey: 'sk-walk-first-1111' }, 201);
  const azure = await ok(
    'POST',
    '/v1/provider-keys',
    { provider: 'azure', name: 'walk-azure', apiKey: 'az-walk-first-2222', baseUrl: 'http://127.0.0.1:9/openai', apiVersion: '2024-10-21' },
    201,
  );
  const bedrock = await ok('POST', '/v1/provider-keys', { provider: 'bedrock', name: 'walk-bedrock', region: 'us-east-1' }, 201);
  const view = async (id: string) => ((await ok('GET', '/v1/provider-keys')).data as any[]).find((k) => k.id === id);

  /** Per field: the key it is corrected on, the new value, and what the key's view then shows. */
  const corrections: Record<string, { id: string; value: unknown; shows: (v: any) => boolean }> = {
    name: { id: openai.id, value: 'walk-openai-renamed', shows: (v) => v.name === 'walk-openai-renamed' },
    apiKey: { id: openai.id, value: 'sk-walk-rotated-9876', shows: (v) => v.hint.endsWith('9876') && v.hint !== openai.hint },
    baseUrl: { id: openai.id, value: 'http://127.0.0.1:9/v2', shows: (v) => v.baseUrl === 'http://127.0.0.1:9/v2' },
    apiVersion: { id: azure.id, value: '2025-04-01-preview', shows: (v) => new URL(v.baseUrl).searchParams.get('api-version') === '2025-04-01-preview' },
    region: { id: bedrock.id, value: 'eu-west-1', shows: (v) => v.region === 'eu-west-1' },
  };
  expect(Object.keys(corrections).sort()).toEqual(updatable.sort());
  for (const [field, { id, value, shows }] of Object.entries(corrections)) {
    expect(shows(await view(id))).toBe(false);
    await ok('PATCH', `/v1/provider-keys/${id}`, { [field]: value });
    expect({ field, corrected: shows(await view(id)) }).toEqual({ field, corrected: true });
  }
  // Back to the provider's public host.
  await ok('PATCH', `/v1/provider-keys/${openai.id}`, { baseUrl: null });
  expect((await view(openai.id)).baseUrl).toBeNull();
}

/** The config walked through each of its fields; `fake` is the gateway's provider key (openai). */
const target = (model: string, weight = 1) => ({ model: `fake/${model}`, weight });
const CONFIG_VERSIONS: Record<string, unknown>[] = [
  {
    description: 'first',
    strategy: 'fallback',
    targets: [target('gpt-4o')],
    reliability: { retries: 1, timeoutMs: 60_000, firstTokenTimeoutMs: 15_000, idleTimeoutMs: 120_000, fallbackOn: ['429', '5xx'] },
    rules: [{ name: 'tools', when: { tools: true }, targets: [target('gpt-4o')] }],
  },
  {
    description: 'second',
    strategy: 'weighted',
    targets: [target('gpt-4o', 2), target('gpt-4o-mini', 3)],
    reliability: { retries: 2, timeoutMs: 30_000, firstTokenTimeoutMs: 5_000, idleTimeoutMs: 60_000, fallbackOn: ['timeout'] },
    rules: [{ name: 'minis', when: { model: 'gpt-4o-mini*' }, targets: [target('gpt-4o-mini')] }],
  },
  {
    strategy: 'role',
    targets: [target('gpt-4o')],
    roles: { coding: [target('gpt-4o')], writing: [target('gpt-4o-mini')] },
    defaultRole: 'coding',
    classifier: { method: 'llm', model: 'fake/gpt-4o-mini', timeoutMs: 1_000, minConfidence: 0.5 },
  },
  {
    strategy: 'role',
    targets: [target('gpt-4o')],
    roles: { coding: [target('gpt-4o-mini')], writing: [target('gpt-4o')] },
    defaultRole: 'writing',
    classifier: { method: 'local', timeoutMs: 2_000, minConfidence: 0.7 },
  },
  { strategy: 'complexity', bands: { '1': [target('gpt-4o-mini')], '5': [target('gpt-4o')] } },
  { strategy: 'complexity', bands: { '1': [target('gpt-4o')], '3': [target('gpt-4o-mini')] } },
  {
    strategy: 'ab',
    variants: [
      { name: 'a', percent: 50, targets: [target('gpt-4o')] },
      { name: 'b', percent: 50, targets: [target('gpt-4o-mini')] },
    ],
  },
  {
    strategy: 'ab',
    variants: [
      { name: 'a', percent: 30, targets: [target('gpt-4o-mini')] },
      { name: 'c', percent: 70, targets: [target('gpt-4o')] },
    ],
  },
  { kind: 'embedding', strategy: 'fallback', targets: [target('text-embedding-3-small')] },
  { kind: 'chat', strategy: 'cost', targets: [target('gpt-4o'), target('gpt-4o-mini')] },
];

async function walkConfigs(apiKeyId: string): Promise<void> {
  const fields = leaves(routingConfigSchema).filter((f) => f !== 'name');
  const changed = new Set<string>();
  let previous = await ok('POST', '/v1/configs', { name: 'walk', ...CONFIG_VERSIONS[0] }, 201);
  for (const version of CONFIG_VERSIONS.slice(1)) {
    await ok('PUT', '/v1/configs/walk', version);
    const stored = await ok('GET', '/v1/configs/walk');
    expect(stored).toMatchObject({ name: 'walk', ...version });
    for (const field of fields) if (JSON.stringify(at(stored, field)) !== JSON.stringify(at(previous, field))) changed.add(field);
    previous = stored;
  }
  expect([...changed].sort()).toEqual(fields.sort());

  // A config's name is how requests (`roukey/<name>`) and API keys refer to it, so it is not renamed in place: the
  // same config under the new name, the keys moved to it, the old one deleted.
  await ok('PATCH', `/v1/api-keys/${apiKeyId}`, { config: 'walk' });
  const { createdAt: _c, updatedAt: _u, name: _n, ...body } = previous;
  await ok('POST', '/v1/configs', { ...body, name: 'walk-renamed' }, 201);
  expect((await mgmt('DELETE', '/v1/configs/walk')).status).toBe(409);
  await ok('PATCH', `/v1/api-keys/${apiKeyId}`, { config: 'walk-renamed' });
  await ok('DELETE', '/v1/configs/walk', undefined, 204);
  expect((await mgmt('GET', '/v1/configs/walk')).status).toBe(404);
  expect(await ok('GET', '/v1/configs/walk-renamed')).toMatchObject(body);
}

async function walkApiKeys(): Promise<string> {
  const updatable = leaves(updateApiKeySchema);
  for (const field of leaves(createApiKeySchema)) expect(updatable).toContain(field);
  const created = await ok('POST', '/v1/api-keys', { name: 'walk-key' }, 201);
  // A config to bind the key to (the config walk binds and moves it too).
  await ok('POST', '/v1/configs', { name: 'walk-bound', strategy: 'fallback', targets: [target('gpt-4o')] }, 201);
  const view = async () => ((await ok('GET', '/v1/api-keys')).data as any[]).find((k) => k.id === created.id);
  const corrections: Record<string, unknown> = { name: 'walk-key-renamed', config: 'walk-bound' };
  expect(Object.keys(corrections).sort()).toEqual(updatable.sort());
  for (const [field, value] of Object.entries(corrections)) {
    expect((await view())[field]).not.toEqual(value);
    await ok('PATCH', `/v1/api-keys/${created.id}`, { [field]: value });
    expect({ field, value: (await view())[field] }).toEqual({ field, value });
  }
  await ok('PATCH', `/v1/api-keys/${created.id}`, { config: null });
  expect((await view()).config).toBeNull();
  return created.id;
}

const ROLE_VERSIONS: Record<string, unknown>[] = [
  { description: 'Questions about invoices', examples: ['why was I charged twice'], keywords: ['invoice'], systemPrompt: 'You answer billing questions.' },
  { description: 'Billing and refunds', examples: ['refund my order', 'cancel my plan'], keywords: ['refund', 'billing'], systemPrompt: 'Be brief.' },
  { description: 'Billing only', examples: [], keywords: [] },
];

async function walkRoles(): Promise<void> {
  const fields = leaves(roleBodySchema);
  for (const [path, create] of [
    // A custom role, and the account's override of a built-in one.
    ['/v1/roles/walk-role', () => ok('POST', '/v1/roles', { name: 'walk-role', ...ROLE_VERSIONS[0] }, 201)],
    ['/v1/roles/coding', () => ok('PUT', '/v1/roles/coding', ROLE_VERSIONS[0], 201)],
  ] as const) {
    let previous = await create();
    const changed = new Set<string>();
    for (const version of ROLE_VERSIONS.slice(1)) {
      await ok('PUT', path, version);
      const stored = await ok('GET', path);
      expect(stored).toMatchObject({ ...version, systemPrompt: version.systemPrompt ?? null });
      for (const field of fields) if (JSON.stringify(stored[field]) !== JSON.stringify(previous[field])) changed.add(field);
      previous = stored;
    }
    expect({ path, changed: [...changed].sort() }).toEqual({ path, changed: fields.sort() });
  }
  expect(await ok('GET', '/v1/roles/coding')).toMatchObject({ builtIn: true, overridden: true, description: 'Billing only' });
}

describe('P19: correction through npm start', () => {
  it('P19: every field of the profile, avatar, email, provider keys, API keys, configs and roles is changed and read back', async () => {
    await walkProfile();
    await walkEmail();
    await walkAvatar();
    await walkProviderKeys();
    const apiKeyId = await walkApiKeys();
    await walkConfigs(apiKeyId);
    await walkRoles();
  });
});
