import { providerKeyContext } from '../../../lambdas/crypto/encryption-context.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { validate } from '../../../lambdas/http/validation.js';
import { createProviderKeySchema } from '../../../lambdas/keys/key-schemas.js';
import type { ProviderKeyRecord } from '../../../lambdas/keys/key-stores.js';
import { ENDPOINT_BOUND_CONTEXT, sameContext, storedKeyContext } from '../../../lambdas/keys/provider-key-context.js';
import { thrownBy } from '../../support/thrown.js';

const bound: ProviderKeyRecord = {
  id: 'pk_1',
  provider: 'custom',
  name: 'vllm',
  hint: '…1234',
  baseUrl: 'https://llm.example.com/v1',
  createdAt: '2026-01-01T00:00:00.000Z',
  ciphertext: 'rkenc.v1.local.x',
  contextVersion: ENDPOINT_BOUND_CONTEXT,
};
const { contextVersion: _v, ...legacy } = bound;

describe('provider-key encryption context by item version', () => {
  it('P2: a key stored since the binding opens under a context naming its provider and baseUrl', () => {
    expect(storedKeyContext('acc_A', bound)).toEqual(providerKeyContext('acc_A', 'pk_1', { provider: 'custom', baseUrl: 'https://llm.example.com/v1' }));
    expect(storedKeyContext('acc_A', { ...bound, baseUrl: 'https://attacker.example.net/v1' })).not.toEqual(storedKeyContext('acc_A', bound));
    expect(storedKeyContext('acc_A', { ...bound, provider: 'groq' })).not.toEqual(storedKeyContext('acc_A', bound));
  });

  it('P2: a key stored before the binding opens under the old context only when it has no baseUrl', () => {
    const { baseUrl: _b, ...publicHost } = legacy;
    expect(storedKeyContext('acc_A', publicHost)).toEqual(providerKeyContext('acc_A', 'pk_1'));
    const refused = thrownBy(ApiError, () => storedKeyContext('acc_A', legacy));
    expect(refused?.status).toBe(424);
    expect(refused?.toBody().error).toMatchObject({ code: 'provider_key_unbound', message: expect.stringContaining("'vllm'") });
    expect(refused?.message).not.toContain('llm.example.com');
  });

  it('a cached plaintext serves only a record with the same account, id, provider, baseUrl and version', () => {
    expect(sameContext('acc_A', bound, 'acc_A', { ...bound })).toBe(true);
    for (const other of [
      { id: 'pk_2' },
      { provider: 'openai' as const },
      { baseUrl: 'https://attacker.example.net/v1' },
      { baseUrl: undefined },
      { contextVersion: undefined },
    ]) {
      expect(sameContext('acc_A', bound, 'acc_A', { ...bound, ...other })).toBe(false);
    }
    expect(sameContext('acc_A', bound, 'acc_B', bound)).toBe(false);
  });
});

describe('provider key length', () => {
  it.each(['', 'a', 'sk-1234', '1234567'])('refuses a key of %j (under 8 characters): 400 naming apiKey', (apiKey) => {
    const error = thrownBy(ApiError, () => validate(createProviderKeySchema, { provider: 'openai', apiKey }));
    expect(error?.status).toBe(400);
    expect(error?.options.param).toBe('apiKey');
  });

  it('accepts 8 characters', () => {
    expect(validate(createProviderKeySchema, { provider: 'openai', apiKey: 'sk-12345' })).toMatchObject({ apiKey: 'sk-12345' });
  });
});
