import { createProviderKeySchema } from '../../../lambdas/keys/key-schemas.js';
import { createProviderKeysService } from '../../../lambdas/keys/provider-keys-service.js';
import type { ProviderKeyRecord, ProviderKeyStore } from '../../../lambdas/keys/key-stores.js';
import type { EnvelopeCipher } from '../../../lambdas/crypto/envelope-cipher.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { validate } from '../../../lambdas/http/validation.js';
import { thrownBy } from '../../support/thrown.js';
import { ENTERPRISE } from '../../support/plans.js';

const apiKey = 'sk-key-schema-test';

/** The 400 a body gets from the management API's validation, or undefined when it passes. */
function rejection(body: Record<string, unknown>): ApiError | undefined {
  return thrownBy(ApiError, () => validate(createProviderKeySchema, body));
}

describe('provider-key input for the OpenAI-compatible presets', () => {
  it.each(['azure', 'custom'])('%s: a key without baseUrl is a 400 naming baseUrl', (provider) => {
    const err = rejection({ provider, apiKey });
    expect(err?.status).toBe(400);
    expect(err?.options.param).toBe('baseUrl');
    expect(err?.message).toContain(`required for ${provider}`);
  });

  it.each(['openai', 'groq', 'deepseek', 'xai', 'mistral', 'together', 'fireworks', 'openrouter', 'perplexity', 'cerebras'])(
    '%s: baseUrl is optional (the preset has a public endpoint) and accepted (regional endpoint, proxy)',
    (provider) => {
      expect(rejection({ provider, apiKey })).toBeUndefined();
      expect(rejection({ provider, apiKey, baseUrl: 'https://eu.proxy.example.com/v1' })).toBeUndefined();
    },
  );

  it('azure: takes an optional dated apiVersion, preview versions included', () => {
    const baseUrl = 'https://my-resource.openai.azure.com';
    expect(rejection({ provider: 'azure', apiKey, baseUrl })).toBeUndefined();
    expect(rejection({ provider: 'azure', apiKey, baseUrl, apiVersion: '2024-10-21' })).toBeUndefined();
    expect(rejection({ provider: 'azure', apiKey, baseUrl, apiVersion: '2025-04-01-preview' })).toBeUndefined();
    const bad = rejection({ provider: 'azure', apiKey, baseUrl, apiVersion: 'latest&x=1' });
    expect(bad?.status).toBe(400);
    expect(bad?.options.param).toBe('apiVersion');
  });

  it('apiVersion on any other provider is a 400 naming apiVersion', () => {
    const err = rejection({ provider: 'groq', apiKey, apiVersion: '2024-10-21' });
    expect(err?.status).toBe(400);
    expect(err?.options.param).toBe('apiVersion');
  });

  it('an unknown provider is a 400 naming provider and listing the presets', () => {
    const err = rejection({ provider: 'azure-openai', apiKey, baseUrl: 'https://x.example.com' });
    expect(err?.options.param).toBe('provider');
    expect(err?.message).toContain('openrouter');
  });
});

describe('provider-keys service with presets', () => {
  // The store and cipher only need to capture what the service hands them; their behaviour is tested on DynamoDB Local.
  function serviceCapturing(checked: string[]) {
    const saved: ProviderKeyRecord[] = [];
    const store = { create: async (_account: string, record: ProviderKeyRecord) => (saved.push(record), 'created' as const) } as unknown as ProviderKeyStore;
    const cipher = { encrypt: async () => 'ciphertext', decrypt: async () => apiKey } as unknown as EnvelopeCipher;
    const checkBaseUrl = async (url: string) => (checked.push(url), new URL(url));
    return { saved, service: createProviderKeysService({ store, cipher, checkBaseUrl }) };
  }

  it("azure: keeps the apiVersion as the endpoint's api-version query parameter, after the SSRF guard passed the endpoint", async () => {
    const checked: string[] = [];
    const { saved, service } = serviceCapturing(checked);
    const view = await service.create(
      'acct',
      { provider: 'azure', apiKey, baseUrl: 'https://my-resource.openai.azure.com', apiVersion: '2025-04-01-preview' },
      ENTERPRISE,
    );
    expect(checked).toEqual(['https://my-resource.openai.azure.com']);
    expect(saved[0]?.baseUrl).toBe('https://my-resource.openai.azure.com/?api-version=2025-04-01-preview');
    expect(view.baseUrl).toBe('https://my-resource.openai.azure.com/?api-version=2025-04-01-preview');
    expect(view.name).toBe('azure');
  });

  it("a preset's optional baseUrl goes through the same SSRF guard, whose refusal stops the create", async () => {
    const checked: string[] = [];
    const { saved, service } = serviceCapturing(checked);
    await service.create('acct', { provider: 'mistral', apiKey, baseUrl: 'https://eu.proxy.example.com/v1' }, ENTERPRISE);
    expect(checked).toEqual(['https://eu.proxy.example.com/v1']);
    expect(saved[0]?.baseUrl).toBe('https://eu.proxy.example.com/v1');

    const refusing = createProviderKeysService({
      store: { create: async () => 'created' } as unknown as ProviderKeyStore,
      cipher: { encrypt: async () => 'ciphertext' } as unknown as EnvelopeCipher,
      checkBaseUrl: async () => {
        throw new ApiError('invalid_request', 'baseUrl must not point to a private address.', { param: 'baseUrl' });
      },
    });
    await expect(refusing.create('acct', { provider: 'groq', apiKey, baseUrl: 'https://10.0.0.1/v1' }, ENTERPRISE)).rejects.toMatchObject({
      status: 400,
      options: { param: 'baseUrl' },
    });
  });
});
