import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createEnvelopeCipher } from '../../lambdas/crypto/envelope-cipher.js';
import { createApiKeyAuthenticator } from '../../lambdas/keys/api-key-authenticator.js';
import { createApiKeysService } from '../../lambdas/keys/api-keys-service.js';
import { assertSafeBaseUrl } from '../../lambdas/keys/base-url-guard.js';
import { newId } from '../../lambdas/keys/key-material.js';
import { createProviderKeyResolver } from '../../lambdas/keys/provider-key-resolver.js';
import { createProviderKeysService } from '../../lambdas/keys/provider-keys-service.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../../lambdas/runtime-config.js';
import { createApiKeyRepository } from '../../lambdas/store/accounts-api-keys.js';
import { createConfigRepository } from '../../lambdas/store/accounts-configs.js';
import { ITEM } from '../../lambdas/store/accounts-items.js';
import { createProviderKeyRepository } from '../../lambdas/store/accounts-provider-keys.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { ENTERPRISE, planOf } from '../support/plans.js';
import { createTestTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

let config: RuntimeConfig;

beforeAll(async () => {
  await createTestTables();
  config = loadRuntimeConfig({ ...process.env, LOCAL_KEYRING_FILE: testKeyringFile(), ALLOW_LOOPBACK_BASE_URL: 'true' });
});

const db = () => createDocumentClient(config);
const store = () => createProviderKeyRepository(db(), config.tables.accounts);
const providerKeys = () =>
  createProviderKeysService({ store: store(), cipher: createEnvelopeCipher(config), checkBaseUrl: (url) => assertSafeBaseUrl(url, { allowLoopback: true }) });
const storedItem = async (accountId: string, id: string) =>
  (await db().send(new GetCommand({ TableName: config.tables.accounts, Key: ITEM.providerKey(accountId, id), ConsistentRead: true }))).Item;

describe('P19: a provider key can be corrected (PATCH /v1/provider-keys/{id})', () => {
  it('renamed: the new name resolves, the old one is free again, and a taken name is a 409 naming "name"', async () => {
    const accountId = newId('acc');
    const key = await providerKeys().create(accountId, { provider: 'openai', name: 'first', apiKey: 'sk-first-1111' }, ENTERPRISE);
    await providerKeys().create(accountId, { provider: 'groq', name: 'taken', apiKey: 'sk-taken-2222' }, ENTERPRISE);

    expect(await providerKeys().update(accountId, key.id, { name: 'renamed' }, ENTERPRISE)).toEqual({ ...key, name: 'renamed' });
    const resolver = createProviderKeyResolver({ store: store(), cipher: createEnvelopeCipher(config) });
    expect((await resolver.byName(accountId, 'renamed'))?.apiKey).toBe('sk-first-1111');
    expect(await resolver.byName(accountId, 'first')).toBeUndefined();
    await providerKeys().create(accountId, { provider: 'openai', name: 'first', apiKey: 'sk-again-3333' }, ENTERPRISE);

    await expect(providerKeys().update(accountId, key.id, { name: 'taken' }, ENTERPRISE)).rejects.toMatchObject({ status: 409, options: { param: 'name' } });
    await expect(providerKeys().update(accountId, key.id, { name: 'roukey' }, ENTERPRISE)).rejects.toMatchObject({ status: 400, options: { param: 'name' } });
    expect((await providerKeys().list(accountId)).find((k) => k.id === key.id)?.name).toBe('renamed');
  });

  it('a rename of a key that configs use is refused with their names, and changes nothing', async () => {
    const accountId = newId('acc');
    const key = await providerKeys().create(accountId, { provider: 'openai', name: 'main', apiKey: 'sk-main-1111' }, ENTERPRISE);
    const routing = { name: 'support-bot', strategy: 'fallback' as const, targets: [{ model: 'main/gpt-4o', weight: 1 }] };
    await createConfigRepository(db(), config.tables.accounts).create(
      accountId,
      routing,
      { providerKeys: ['main'], customRoles: [] },
      new Date().toISOString(),
      10,
    );

    const refused = providerKeys().update(accountId, key.id, { name: 'other' }, ENTERPRISE);
    await expect(refused).rejects.toMatchObject({ status: 409, options: { param: 'name' } });
    await expect(refused).rejects.toThrow(/support-bot/);
    expect(await providerKeys().list(accountId)).toEqual([key]);
  });

  it('rotated: a new secret under a new ciphertext and hint; a warm router serves it once its record cache expires', async () => {
    const accountId = newId('acc');
    const key = await providerKeys().create(accountId, { provider: 'openai', apiKey: 'sk-old-secret-1111' }, ENTERPRISE);
    const before = await storedItem(accountId, key.id);
    let now = 0;
    const resolver = createProviderKeyResolver({ store: store(), cipher: createEnvelopeCipher(config) }, { recordTtlMs: 1_000, now: () => now });
    expect((await resolver.byName(accountId, 'openai'))?.apiKey).toBe('sk-old-secret-1111');

    expect(await providerKeys().update(accountId, key.id, { apiKey: 'sk-new-secret-2222' }, ENTERPRISE)).toEqual({ ...key, hint: '…2222' });
    const after = await storedItem(accountId, key.id);
    expect(after?.ciphertext).not.toBe(before?.ciphertext);
    expect(JSON.stringify(after)).not.toContain('sk-new-secret');
    now += 1_001;
    expect((await resolver.byName(accountId, 'openai'))?.apiKey).toBe('sk-new-secret-2222');
  });

  it('re-pointed: the baseUrl passes the SSRF guard and the plan, and the same secret is bound to the new endpoint', async () => {
    const accountId = newId('acc');
    const key = await providerKeys().create(accountId, { provider: 'openai', apiKey: 'sk-point-1111', baseUrl: 'http://127.0.0.1:9/v1' }, ENTERPRISE);
    const before = await storedItem(accountId, key.id);

    await expect(providerKeys().update(accountId, key.id, { baseUrl: 'http://169.254.169.254/v1' }, ENTERPRISE)).rejects.toMatchObject({ status: 400 });
    await expect(providerKeys().update(accountId, key.id, { baseUrl: 'http://127.0.0.1:10/v1' }, planOf('free'))).rejects.toMatchObject({
      status: 403,
      options: { code: 'plan_feature' },
    });
    expect(await storedItem(accountId, key.id)).toEqual(before);

    expect(await providerKeys().update(accountId, key.id, { baseUrl: 'http://127.0.0.1:10/v1' }, ENTERPRISE)).toEqual({
      ...key,
      baseUrl: 'http://127.0.0.1:10/v1',
    });
    const resolver = createProviderKeyResolver({ store: store(), cipher: createEnvelopeCipher(config) });
    expect(await resolver.byName(accountId, 'openai')).toMatchObject({ baseUrl: 'http://127.0.0.1:10/v1', apiKey: 'sk-point-1111' });
    expect((await storedItem(accountId, key.id))?.ciphertext).not.toBe(before?.ciphertext);

    // null goes back to the provider's public host, where it has one.
    expect(await providerKeys().update(accountId, key.id, { baseUrl: null }, ENTERPRISE)).toEqual({ ...key, baseUrl: null });
    expect((await resolver.byName(accountId, 'openai'))?.apiKey).toBe('sk-point-1111');
    expect((await storedItem(accountId, key.id))?.baseUrl).toBeUndefined();
  });

  it('each provider takes only its own fields: azure needs a baseUrl and takes an apiVersion, bedrock takes a region only', async () => {
    const accountId = newId('acc');
    const azure = await providerKeys().create(accountId, { provider: 'azure', apiKey: 'az-key-1111', baseUrl: 'http://127.0.0.1:9/openai' }, ENTERPRISE);
    await expect(providerKeys().update(accountId, azure.id, { baseUrl: null }, ENTERPRISE)).rejects.toMatchObject({
      status: 400,
      options: { param: 'baseUrl' },
    });
    expect((await providerKeys().update(accountId, azure.id, { apiVersion: '2025-04-01-preview' }, ENTERPRISE)).baseUrl).toBe(
      'http://127.0.0.1:9/openai?api-version=2025-04-01-preview',
    );

    const bedrock = await providerKeys().create(accountId, { provider: 'bedrock', region: 'us-east-1' }, ENTERPRISE);
    expect(await providerKeys().update(accountId, bedrock.id, { region: 'eu-west-1' }, ENTERPRISE)).toEqual({ ...bedrock, region: 'eu-west-1' });
    await expect(providerKeys().update(accountId, bedrock.id, { apiKey: 'sk-nope-1111' }, ENTERPRISE)).rejects.toMatchObject({
      status: 400,
      options: { param: 'apiKey' },
    });
    await expect(providerKeys().update(accountId, azure.id, { region: 'us-east-1' }, ENTERPRISE)).rejects.toMatchObject({
      status: 400,
      options: { param: 'region' },
    });
  });

  it('P23: another account’s key id, or an id that cannot exist, is a 404', async () => {
    const key = await providerKeys().create(newId('acc'), { provider: 'openai', apiKey: 'sk-mine-1111' }, ENTERPRISE);
    await expect(providerKeys().update(newId('acc'), key.id, { name: 'stolen' }, ENTERPRISE)).rejects.toMatchObject({ status: 404 });
    await expect(providerKeys().update(newId('acc'), 'pk_nope', { name: 'stolen' }, ENTERPRISE)).rejects.toMatchObject({ status: 404 });
  });
});

describe('P19: an API key can be renamed (PATCH /v1/api-keys/{id})', () => {
  it('renamed, it still authenticates as itself; another account’s key id is a 404', async () => {
    const service = createApiKeysService({ store: createApiKeyRepository(db(), config.tables.accounts) });
    const accountId = newId('acc');
    const created = await service.create(accountId, { name: 'old name' }, ENTERPRISE);
    expect(await service.update(accountId, created.id, { name: 'new name' })).toMatchObject({ id: created.id, name: 'new name', config: null });
    expect((await service.list(accountId)).map((k) => k.name)).toEqual(['new name']);
    expect(await createApiKeyAuthenticator(createApiKeyRepository(db(), config.tables.accounts)).authenticate(created.key)).toEqual({
      accountId,
      apiKeyId: created.id,
    });
    await expect(service.update(newId('acc'), created.id, { name: 'stolen' })).rejects.toMatchObject({ status: 404 });
  });
});
