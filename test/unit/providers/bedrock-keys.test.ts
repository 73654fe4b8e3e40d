import { createProviderKeySchema } from '../../../lambdas/keys/key-schemas.js';
import { createProviderKeysService } from '../../../lambdas/keys/provider-keys-service.js';
import { createProviderKeyResolver } from '../../../lambdas/keys/provider-key-resolver.js';
import type { ProviderKeyRecord, ProviderKeyStore } from '../../../lambdas/keys/key-stores.js';
import type { EnvelopeCipher } from '../../../lambdas/crypto/envelope-cipher.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { validate } from '../../../lambdas/http/validation.js';
import { thrownBy } from '../../support/thrown.js';
import { ENTERPRISE } from '../../support/plans.js';

function rejection(body: Record<string, unknown>): ApiError | undefined {
  return thrownBy(ApiError, () => validate(createProviderKeySchema, body));
}

function memoryStore(): ProviderKeyStore & { records: ProviderKeyRecord[] } {
  const records: ProviderKeyRecord[] = [];
  return {
    records,
    create: async (_account, record) => (records.push(record), 'created'),
    list: async () => records,
    findByName: async (_account, name) => records.find((r) => r.name === name),
    get: async (_account, id) => records.find((r) => r.id === id),
    update: async (_account, before, after) => (records.splice(records.indexOf(before), 1, after), 'updated'),
    remove: async () => false,
  };
}

/** A cipher that fails the test if a bedrock key ever asks for encryption or decryption. */
const noCipher: EnvelopeCipher = {
  encrypt: async () => {
    throw new Error('nothing to encrypt for bedrock');
  },
  decrypt: async () => {
    throw new Error('nothing to decrypt for bedrock');
  },
} as unknown as EnvelopeCipher;

describe('bedrock provider keys: a region, no key', () => {
  it('takes { provider, name, region } and requires the region', () => {
    expect(rejection({ provider: 'bedrock', name: 'aws', region: 'us-east-1' })).toBeUndefined();
    expect(rejection({ provider: 'bedrock', region: 'us-gov-west-1' })).toBeUndefined();
    const missing = rejection({ provider: 'bedrock', name: 'aws' });
    expect(missing?.status).toBe(400);
    expect(missing?.options.param).toBe('region');
  });

  it.each(['US-EAST-1', 'us-east', 'useast1', 'us-east-1; rm', ''])('400s %j as a region, naming region', (region) => {
    expect(rejection({ provider: 'bedrock', region })?.options.param).toBe('region');
  });

  it('refuses an apiKey or baseUrl for bedrock, and a region for other providers; others still need their key', () => {
    expect(rejection({ provider: 'bedrock', region: 'us-east-1', apiKey: 'AKIA-secret' })?.options.param).toBe('apiKey');
    expect(rejection({ provider: 'bedrock', region: 'us-east-1', baseUrl: 'https://example.com' })?.options.param).toBe('baseUrl');
    expect(rejection({ provider: 'openai', apiKey: 'sk-x-12345', region: 'us-east-1' })?.options.param).toBe('region');
    expect(rejection({ provider: 'openai' })?.options.param).toBe('apiKey');
  });

  it('stores the region as a plain field with nothing encrypted; lists it; the resolver hands it to the router', async () => {
    const store = memoryStore();
    const service = createProviderKeysService({ store, cipher: noCipher, checkBaseUrl: async (u) => new URL(u) });
    const created = await service.create('acc1', validate(createProviderKeySchema, { provider: 'bedrock', name: 'aws', region: 'eu-west-3' }), ENTERPRISE);
    expect(created).toEqual({
      id: expect.stringMatching(/^pk_/),
      provider: 'bedrock',
      name: 'aws',
      hint: '',
      baseUrl: null,
      region: 'eu-west-3',
      createdAt: expect.any(String),
    });
    expect(store.records[0]!.ciphertext).toBeUndefined();
    expect(store.records[0]!.region).toBe('eu-west-3');
    expect(await service.list('acc1')).toEqual([created]);

    const resolver = createProviderKeyResolver({ store, cipher: noCipher });
    expect(await resolver.byName('acc1', 'aws')).toEqual({ providerKeyId: created.id, name: 'aws', provider: 'bedrock', region: 'eu-west-3', apiKey: '' });
    expect(await resolver.list('acc1')).toEqual([{ providerKeyId: created.id, name: 'aws', provider: 'bedrock' }]);
  });
});
