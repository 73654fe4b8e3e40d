import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createEnvelopeCipher, type EnvelopeCipher } from '../../lambdas/crypto/envelope-cipher.js';
import { providerKeyContext } from '../../lambdas/crypto/encryption-context.js';
import { createApiKeyAuthenticator } from '../../lambdas/keys/api-key-authenticator.js';
import { createApiKeysService } from '../../lambdas/keys/api-keys-service.js';
import { ITEM } from '../../lambdas/store/accounts-items.js';
import { createProviderKeyResolver } from '../../lambdas/keys/provider-key-resolver.js';
import { createProviderKeysService } from '../../lambdas/keys/provider-keys-service.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../../lambdas/runtime-config.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createApiKeyRepository } from '../../lambdas/store/accounts-api-keys.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createConfigRepository } from '../../lambdas/store/accounts-configs.js';
import { createProviderKeyRepository } from '../../lambdas/store/accounts-provider-keys.js';
import { assertSafeBaseUrl } from '../../lambdas/keys/base-url-guard.js';
import { newId } from '../../lambdas/keys/key-material.js';
import { DEFAULT_BOUNDS, DEFAULT_TIMEOUTS, type LogEntry } from '../../lambdas/gateway/deps.js';
import { createModelLister } from '../../lambdas/gateway/model-list.js';
import type { RoutingStore } from '../../lambdas/gateway/ports.js';
import { TargetHealth } from '../../lambdas/routing/target-health.js';
import { createTestTables } from '../support/tables.js';
import { ENTERPRISE } from '../support/plans.js';
import { testKeyringFile } from '../support/keyring.js';

let config: RuntimeConfig;

beforeAll(async () => {
  await createTestTables();
  config = loadRuntimeConfig({ ...process.env, LOCAL_KEYRING_FILE: testKeyringFile(), ALLOW_LOOPBACK_BASE_URL: 'true' });
});

/** What the router reads provider keys through: the table, and the local keyring. */
function keySource() {
  return { store: createProviderKeyRepository(createDocumentClient(config), config.tables.accounts), cipher: createEnvelopeCipher(config) };
}

function providerKeys() {
  const db = createDocumentClient(config);
  return createProviderKeysService({
    store: createProviderKeyRepository(db, config.tables.accounts),
    cipher: createEnvelopeCipher(config),
    checkBaseUrl: (url) => assertSafeBaseUrl(url, { allowLoopback: true }),
  });
}

describe('provider keys', () => {
  it('stores only ciphertext, lists views, and the resolver decrypts by name', async () => {
    const accountId = newId('acc');
    const secret = `sk-${randomBytes(12).toString('hex')}`;
    const created = await providerKeys().create(accountId, { provider: 'openai', apiKey: secret, baseUrl: 'http://127.0.0.1:9/v1' }, ENTERPRISE);
    expect(created).toEqual({
      id: expect.stringMatching(/^pk_/),
      provider: 'openai',
      name: 'openai',
      hint: `…${secret.slice(-4)}`,
      baseUrl: 'http://127.0.0.1:9/v1',
      createdAt: expect.any(String),
    });

    const db = createDocumentClient(config);
    const item = (await db.send(new GetCommand({ TableName: config.tables.accounts, Key: ITEM.providerKey(accountId, created.id) }))).Item!;
    expect(JSON.stringify(item)).not.toContain(secret);
    expect(item.ciphertext).toMatch(/^rkenc\.v1\.local\./);

    expect(await providerKeys().list(accountId)).toEqual([created]);
    const resolver = createProviderKeyResolver(keySource());
    expect(await resolver.byName(accountId, 'openai')).toEqual({
      providerKeyId: created.id,
      name: 'openai',
      provider: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: secret,
    });
    expect(await resolver.byName(accountId, 'nope')).toBeUndefined();
    expect(await resolver.list(accountId)).toEqual([{ providerKeyId: created.id, name: 'openai', provider: 'openai' }]);
    // Another account cannot resolve it, even knowing the name.
    expect(await resolver.byName(newId('acc'), 'openai')).toBeUndefined();
  });

  it('the router resolves a listed key without a read of its own, and still finds a key created after the list', async () => {
    const accountId = newId('acc');
    await providerKeys().create(accountId, { provider: 'openai', name: 'first', apiKey: 'sk-first-1111' }, ENTERPRISE);
    const repo = createProviderKeyRepository(createDocumentClient(config), config.tables.accounts);
    let lookups = 0;
    const store = { ...repo, findByName: (account: string, name: string) => (lookups++, repo.findByName(account, name)) };
    const resolver = createProviderKeyResolver({ store, cipher: createEnvelopeCipher(config) });
    expect([...(await resolver.providers(accountId))]).toEqual([['first', 'openai']]);
    expect((await resolver.byName(accountId, 'first'))?.apiKey).toBe('sk-first-1111');
    expect(lookups).toBe(0);
    await providerKeys().create(accountId, { provider: 'groq', name: 'second', apiKey: 'sk-second-2222' }, ENTERPRISE);
    expect((await resolver.byName(accountId, 'second'))?.provider).toBe('groq');
    expect(lookups).toBe(1);
    // A config naming the new key reads the list again rather than miss its provider for the cache's lifetime.
    expect([...(await resolver.providers(accountId))]).toEqual([['first', 'openai']]);
    expect((await resolver.providers(accountId, ['first', 'second'])).get('second')).toBe('groq');
  });

  it('P2: a ciphertext copied into another account does not decrypt', async () => {
    const db = createDocumentClient(config);
    const a = newId('acc');
    const b = newId('acc');
    const created = await providerKeys().create(a, { provider: 'openai', name: 'victim', apiKey: 'sk-victim-secret-1234' }, ENTERPRISE);
    const stolen = (await db.send(new GetCommand({ TableName: config.tables.accounts, Key: ITEM.providerKey(a, created.id) }))).Item!;
    const repo = createProviderKeyRepository(db, config.tables.accounts);
    await repo.create(
      b,
      {
        id: created.id,
        provider: 'openai',
        name: 'copied',
        hint: '…1234',
        createdAt: stolen.createdAt,
        ciphertext: stolen.ciphertext,
        contextVersion: stolen.contextVersion,
      },
      10,
    );
    await expect(createProviderKeyResolver(keySource()).byName(b, 'copied')).rejects.toThrow('could not be decrypted');
    // Nor from the plaintext cache of a resolver that has just decrypted it for its own account.
    const warm = createProviderKeyResolver(keySource());
    expect((await warm.byName(a, 'victim'))?.apiKey).toBe('sk-victim-secret-1234');
    await expect(warm.byName(b, 'copied')).rejects.toThrow('could not be decrypted');
  });

  it('names are unique per account (409 naming "name"), not across accounts', async () => {
    const accountId = newId('acc');
    const service = providerKeys();
    await service.create(accountId, { provider: 'openai', name: 'team', apiKey: 'sk-one-1111' }, ENTERPRISE);
    await expect(service.create(accountId, { provider: 'openai', name: 'team', apiKey: 'sk-two-2222' }, ENTERPRISE)).rejects.toMatchObject({
      status: 409,
      options: { param: 'name' },
    });
    await expect(service.create(newId('acc'), { provider: 'openai', name: 'team', apiKey: 'sk-three-3333' }, ENTERPRISE)).resolves.toMatchObject({
      name: 'team',
    });
    // Concurrent creates of one name: exactly one wins.
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((n) => service.create(accountId, { provider: 'openai', name: 'race', apiKey: `sk-race-${n}000` }, ENTERPRISE)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await service.list(accountId)).map((k) => k.name).sort()).toEqual(['race', 'team']);
  });

  it('delete is scoped to the account (404 otherwise) and frees the name', async () => {
    const a = newId('acc');
    const service = providerKeys();
    const created = await service.create(a, { provider: 'openai', name: 'gone', apiKey: 'sk-gone-9999' }, ENTERPRISE);
    await expect(service.remove(newId('acc'), created.id)).rejects.toMatchObject({ status: 404 });
    await expect(service.remove(a, 'pk_bogus')).rejects.toMatchObject({ status: 404 });
    await service.remove(a, created.id);
    expect(await service.list(a)).toEqual([]);
    await expect(service.remove(a, created.id)).rejects.toMatchObject({ status: 404 });
    await expect(service.create(a, { provider: 'openai', name: 'gone', apiKey: 'sk-back-8888' }, ENTERPRISE)).resolves.toMatchObject({ name: 'gone' });
  });

  it('refuses an unsafe baseUrl before writing anything', async () => {
    const accountId = newId('acc');
    const service = createProviderKeysService({
      store: createProviderKeyRepository(createDocumentClient(config), config.tables.accounts),
      cipher: createEnvelopeCipher(config),
      checkBaseUrl: (url) => assertSafeBaseUrl(url, { allowLoopback: false }),
    });
    await expect(service.create(accountId, { provider: 'openai', apiKey: 'sk-x-1234', baseUrl: 'https://169.254.169.254/' }, ENTERPRISE)).rejects.toMatchObject(
      { status: 400, options: { param: 'baseUrl' } },
    );
    expect(await service.list(accountId)).toEqual([]);
  });
});

/** Changes one attribute of a stored provider key, as anyone who can write the table could. */
async function tamper(accountId: string, providerKeyId: string, attribute: string, value: unknown): Promise<void> {
  await createDocumentClient(config).send(
    new UpdateCommand({
      TableName: config.tables.accounts,
      Key: ITEM.providerKey(accountId, providerKeyId),
      ...(value === undefined
        ? { UpdateExpression: 'REMOVE #a', ExpressionAttributeNames: { '#a': attribute } }
        : { UpdateExpression: 'SET #a = :v', ExpressionAttributeNames: { '#a': attribute }, ExpressionAttributeValues: { ':v': value } }),
    }),
  );
}

/** The real cipher, counting decryptions: a refusal before decrypting shows as zero. */
function countingCipher(): EnvelopeCipher & { decrypts: number } {
  const real = createEnvelopeCipher(config);
  const counted = {
    decrypts: 0,
    encrypt: real.encrypt,
    decrypt: (c: string, ctx: Readonly<Record<string, string>>) => (counted.decrypts++, real.decrypt(c, ctx)),
  };
  return counted;
}

describe('provider keys are bound to their endpoint', () => {
  const secret = 'sk-bound-secret-5678';

  it('P2: new keys are stored with context version 2; a baseUrl, provider or missing baseUrl changed in the table fails to decrypt', async () => {
    const accountId = newId('acc');
    const created = await providerKeys().create(accountId, { provider: 'custom', name: 'vllm', apiKey: secret, baseUrl: 'http://127.0.0.1:9/v1' }, ENTERPRISE);
    const item = (await createDocumentClient(config).send(new GetCommand({ TableName: config.tables.accounts, Key: ITEM.providerKey(accountId, created.id) })))
      .Item!;
    expect(item.contextVersion).toBe(2);
    expect(JSON.stringify(item)).not.toContain(secret);
    expect((await createProviderKeyResolver(keySource()).byName(accountId, 'vllm'))?.apiKey).toBe(secret);

    for (const [attribute, value] of [
      ['baseUrl', 'http://127.0.0.1:10/v1'],
      ['baseUrl', undefined],
      ['provider', 'openai'],
    ] as const) {
      await tamper(accountId, created.id, attribute, value);
      await expect(createProviderKeyResolver(keySource()).byName(accountId, 'vllm')).rejects.toThrow('could not be decrypted');
      // Listing decrypts nothing, so a tampered key cannot break it; opening the key fails.
      expect(await createProviderKeyResolver(keySource()).list(accountId)).toHaveLength(1);
      await tamper(accountId, created.id, attribute, attribute === 'provider' ? 'custom' : 'http://127.0.0.1:9/v1');
    }
    expect((await createProviderKeyResolver(keySource()).byName(accountId, 'vllm'))?.apiKey).toBe(secret);
  });

  it('a key whose baseUrl was changed in the table is left out of GET /v1/models (logged by id), and the others are listed', async () => {
    const accountId = newId('acc');
    const tampered = await providerKeys().create(
      accountId,
      { provider: 'openai', name: 'moved', apiKey: secret, baseUrl: 'http://127.0.0.1:9/v1' },
      ENTERPRISE,
    );
    await providerKeys().create(accountId, { provider: 'anthropic', name: 'kept', apiKey: secret, baseUrl: 'http://127.0.0.1:9/v1' }, ENTERPRISE);
    await tamper(accountId, tampered.id, 'baseUrl', 'http://127.0.0.1:10/v1');
    const logs: LogEntry[] = [];
    const listModels = createModelLister({
      providerKeys: createProviderKeyResolver(keySource()),
      assertSafeBaseUrl: async () => undefined,
      timeouts: DEFAULT_TIMEOUTS,
      bounds: DEFAULT_BOUNDS,
      routing: { store: { configNames: async () => [] } as unknown as RoutingStore, health: new TargetHealth() },
      log: (entry) => logs.push(entry),
    });
    const ids = (await listModels(accountId)).map((m) => m.id);
    // Nothing listens on port 9: the kept key is listed from the catalog.
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith('kept/'))).toBe(true);
    expect(logs).toEqual([{ level: 'warn', msg: expect.any(String), providerKeyId: tampered.id }]);
  });

  it('P2: a warm resolver does not serve its cached plaintext once the record it reads names another baseUrl', async () => {
    const accountId = newId('acc');
    const created = await providerKeys().create(accountId, { provider: 'openai', name: 'warm', apiKey: secret, baseUrl: 'http://127.0.0.1:9/v1' }, ENTERPRISE);
    let t = Date.now();
    const resolver = createProviderKeyResolver(keySource(), { now: () => t });
    expect(await resolver.byName(accountId, 'warm')).toMatchObject({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: secret });
    await tamper(accountId, created.id, 'baseUrl', 'http://127.0.0.1:10/v1');
    // Past the record's lifetime, well inside the plaintext's.
    t += 60_000;
    await expect(resolver.byName(accountId, 'warm')).rejects.toThrow('could not be decrypted');
  });

  it('P2: a key stored before the binding still works without a baseUrl, and with one is refused before any decryption', async () => {
    const accountId = newId('acc');
    const repo = createProviderKeyRepository(createDocumentClient(config), config.tables.accounts);
    const legacy = async (name: string, baseUrl?: string) => {
      const id = newId('pk');
      // What the previous release wrote: the context of account and key id only, and no contextVersion.
      const ciphertext = await createEnvelopeCipher(config).encrypt(secret, providerKeyContext(accountId, id));
      await repo.create(accountId, { id, provider: 'openai', name, hint: '…5678', baseUrl, createdAt: new Date().toISOString(), ciphertext }, 10);
      return id;
    };
    const publicHost = await legacy('old-public');
    const ownHost = await legacy('old-own-host', 'http://127.0.0.1:9/v1');

    const cipher = countingCipher();
    expect((await createProviderKeyResolver({ ...keySource(), cipher }).byName(accountId, 'old-public'))?.apiKey).toBe(secret);
    expect(cipher.decrypts).toBe(1);
    await expect(createProviderKeyResolver({ ...keySource(), cipher }).byName(accountId, 'old-own-host')).rejects.toMatchObject({
      status: 424,
      options: { code: 'provider_key_unbound' },
    });
    expect(cipher.decrypts).toBe(1);

    // Pointing an old key without a baseUrl at a host: refused the same way.
    await tamper(accountId, publicHost, 'baseUrl', 'http://127.0.0.1:10/v1');
    await expect(createProviderKeyResolver({ ...keySource(), cipher }).byName(accountId, 'old-public')).rejects.toMatchObject({ status: 424 });
    // Claiming the new version for an old ciphertext does not help: it was not made under the endpoint.
    await tamper(accountId, ownHost, 'contextVersion', 2);
    await expect(createProviderKeyResolver({ ...keySource(), cipher }).byName(accountId, 'old-own-host')).rejects.toThrow('could not be decrypted');
  });

  it('P2: dropping the version from a bound key does not unbind it', async () => {
    const accountId = newId('acc');
    const withHost = await providerKeys().create(accountId, { provider: 'openai', name: 'a', apiKey: secret, baseUrl: 'http://127.0.0.1:9/v1' }, ENTERPRISE);
    const publicHost = await providerKeys().create(accountId, { provider: 'openai', name: 'b', apiKey: secret }, ENTERPRISE);
    await tamper(accountId, withHost.id, 'contextVersion', undefined);
    await tamper(accountId, publicHost.id, 'contextVersion', undefined);
    await expect(createProviderKeyResolver(keySource()).byName(accountId, 'a')).rejects.toMatchObject({ status: 424 });
    await expect(createProviderKeyResolver(keySource()).byName(accountId, 'b')).rejects.toThrow('could not be decrypted');
  });
});

describe('API keys', () => {
  it('create → authenticate → revoke → refused once the cache entry expires', async () => {
    const db = createDocumentClient(config);
    const store = createApiKeyRepository(db, config.tables.accounts);
    const service = createApiKeysService({ store });
    const accountId = newId('acc');
    const created = await service.create(accountId, { name: 'ci' }, ENTERPRISE);
    expect(created.key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);

    let t = Date.now();
    const auth = createApiKeyAuthenticator(store, { positiveTtlMs: 1_000, negativeTtlMs: 500, now: () => t });
    expect(await auth.authenticate(created.key)).toEqual({ accountId, apiKeyId: created.id });
    expect(await auth.authenticate(`${created.key.slice(0, -1)}x`)).toBeUndefined();
    expect(await auth.authenticate('not-a-key')).toBeUndefined();

    await service.revoke(accountId, created.id);
    // Within the positive lifetime the cached answer stands (bounded staleness, not an error).
    expect(await auth.authenticate(created.key)).toEqual({ accountId, apiKeyId: created.id });
    t += 1_001;
    expect(await auth.authenticate(created.key)).toBeUndefined();
    // The lookup item is gone too.
    const scan = await db.send(new ScanCommand({ TableName: config.tables.accounts }));
    expect((scan.Items ?? []).filter((i) => i.apiKeyId === created.id)).toEqual([]);
  });

  it('stores only the SHA-256 of the key; lists prefix hints; revoking is account-scoped', async () => {
    const db = createDocumentClient(config);
    const service = createApiKeysService({ store: createApiKeyRepository(db, config.tables.accounts) });
    const accountId = newId('acc');
    const created = await service.create(accountId, { name: 'prod' }, ENTERPRISE);
    const scan = await db.send(new ScanCommand({ TableName: config.tables.accounts }));
    expect(JSON.stringify(scan.Items)).not.toContain(created.key.slice(3));
    expect(await service.list(accountId)).toEqual([
      { id: created.id, name: 'prod', hint: `${created.key.slice(0, 7)}…`, createdAt: created.createdAt, lastUsedAt: null, config: null },
    ]);
    await expect(service.revoke(newId('acc'), created.id)).rejects.toMatchObject({ status: 404 });
    expect(await service.list(accountId)).toHaveLength(1);
  });

  it('a key bound to a config authenticates with that config (the lookup item carries it); unbinding drops it', async () => {
    const db = createDocumentClient(config);
    const service = createApiKeysService({ store: createApiKeyRepository(db, config.tables.accounts) });
    const accountId = newId('acc');
    const routing = { name: 'support-bot', strategy: 'fallback' as const, targets: [{ model: 'openai/gpt-4o', weight: 1 }] };
    await createConfigRepository(db, config.tables.accounts).create(accountId, routing, { providerKeys: [], customRoles: [] }, new Date().toISOString(), 10);
    const created = await service.create(accountId, { name: 'bot' }, ENTERPRISE);
    const fresh = () => createApiKeyAuthenticator(createApiKeyRepository(db, config.tables.accounts)).authenticate(created.key);

    expect(await service.update(accountId, created.id, { config: 'support-bot' })).toMatchObject({ id: created.id, config: 'support-bot' });
    expect(await fresh()).toEqual({ accountId, apiKeyId: created.id, config: 'support-bot' });
    await expect(service.update(accountId, created.id, { config: 'nope' })).rejects.toMatchObject({ status: 400, options: { param: 'config' } });
    expect(await fresh()).toEqual({ accountId, apiKeyId: created.id, config: 'support-bot' });
    await expect(service.update(newId('acc'), created.id, { config: null })).rejects.toMatchObject({ status: 404 });

    expect(await service.update(accountId, created.id, { config: null })).toMatchObject({ config: null });
    expect(await fresh()).toEqual({ accountId, apiKeyId: created.id });
  });

  it('touch writes lastUsedAt at most once a minute per key and never throws', async () => {
    const db = createDocumentClient(config);
    const store = createApiKeyRepository(db, config.tables.accounts);
    const service = createApiKeysService({ store });
    const accountId = newId('acc');
    const created = await service.create(accountId, { name: 'touchy' }, ENTERPRISE);
    let t = Date.parse('2030-01-01T00:00:00Z');
    const auth = createApiKeyAuthenticator(store, { now: () => t });
    const principal = { accountId, apiKeyId: created.id };
    await auth.touch(principal);
    expect((await service.list(accountId))[0]!.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    t += 30_000;
    await auth.touch(principal);
    expect((await service.list(accountId))[0]!.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    // Another container (no in-memory stamp) is held back by the table's condition.
    await createApiKeyAuthenticator(store, { now: () => t }).touch(principal);
    expect((await service.list(accountId))[0]!.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    t += 31_000;
    await auth.touch(principal);
    expect((await service.list(accountId))[0]!.lastUsedAt).toBe('2030-01-01T00:01:01.000Z');
    // A revoked key is not recreated by a late touch, and a failing store does not throw.
    await service.revoke(accountId, created.id);
    t += 61_000;
    await expect(auth.touch(principal)).resolves.toBeUndefined();
    expect(await service.list(accountId)).toEqual([]);
    const broken = createApiKeyAuthenticator({ ...store, touch: () => Promise.reject(new Error('ddb down')) });
    await expect(broken.touch(principal)).resolves.toBeUndefined();
  });

  it("a key's stamp also stamps its account's lastActiveAt, at most once per interval across the account's keys", async () => {
    const db = createDocumentClient(config);
    const store = createApiKeyRepository(db, config.tables.accounts);
    const service = createApiKeysService({ store });
    const sub = randomUUID();
    const accountId = newId('acc');
    await createAccountRepository(db, config.tables.accounts).createAccount(sub, accountId, new Date().toISOString());
    const [one, two] = [await service.create(accountId, { name: 'one' }, ENTERPRISE), await service.create(accountId, { name: 'two' }, ENTERPRISE)];
    const lastActive = async () =>
      (await db.send(new GetCommand({ TableName: config.tables.accounts, Key: ITEM.profile(accountId), ConsistentRead: true }))).Item?.lastActiveAt;
    let t = Date.parse('2031-01-01T00:00:00Z');
    const auth = createApiKeyAuthenticator(createApiKeyRepository(createDocumentClient(config), config.tables.accounts), { now: () => t });
    await auth.touch({ accountId, apiKeyId: one.id });
    expect(await lastActive()).toBe('2031-01-01T00:00:00.000Z');
    t += 10_000;
    // The second key's own stamp is written; the account's, stamped 10 s ago, is not.
    await auth.touch({ accountId, apiKeyId: two.id });
    expect(await lastActive()).toBe('2031-01-01T00:00:00.000Z');
    t += 61_000;
    await auth.touch({ accountId, apiKeyId: two.id });
    expect(await lastActive()).toBe('2031-01-01T00:01:11.000Z');
  });
});
