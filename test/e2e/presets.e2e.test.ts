import OpenAI from 'openai';
import { expectValid } from '../support/openai-schema.js';
import { startE2E, type E2EContext } from '../support/e2e-setup.js';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];
const customSecret = `sk-custom-${crypto.randomUUID()}`;
const azureSecret = `azure-${crypto.randomUUID().replaceAll('-', '')}`;

let e2e: E2EContext;
/** The fake's origin: Azure's endpoint has no `/v1`, its routes start with `/openai/`. */
let azureEndpoint: string;

beforeAll(async () => {
  e2e = await startE2E();
  azureEndpoint = new URL(e2e.upstream.baseUrl).origin;
  const created = await Promise.all([
    e2e.mgmt('POST', '/v1/provider-keys', { provider: 'custom', name: 'my-vllm', apiKey: customSecret, baseUrl: e2e.upstream.baseUrl }),
    e2e.mgmt('POST', '/v1/provider-keys', { provider: 'azure', name: 'az', apiKey: azureSecret, baseUrl: azureEndpoint, apiVersion: '2025-04-01-preview' }),
    e2e.mgmt('POST', '/v1/provider-keys', { provider: 'azure', name: 'az-default', apiKey: azureSecret, baseUrl: azureEndpoint }),
  ]);
  for (const pk of created) if (pk.status !== 201) throw new Error(`provider key not created: ${pk.status} ${JSON.stringify(pk.json)}`);
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
});

describe('custom preset through the official openai client', () => {
  it("calls the key's baseUrl with its bearer key and the model part", async () => {
    const { data, response } = await e2e.client.chat.completions.create({ model: 'my-vllm/llama-3.1-8b', messages, temperature: 0.1 }).withResponse();
    expectValid('completion', data);
    expect(data.choices[0]?.message.content).toBe(e2e.upstream.options.content);
    expect(response.headers.get('x-roukey-provider')).toBe('custom');
    const sent = e2e.upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${customSecret}`);
    expect(sent.body).toEqual({ model: 'llama-3.1-8b', messages, temperature: 0.1 });
  });
});

describe('azure preset through the official openai client', () => {
  it("streams from the deployment named by the model part, with the key's api-version and the api-key header", async () => {
    const stream = await e2e.client.chat.completions.create({ model: 'az/gpt4o-prod', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let totalTokens: number | undefined;
    for await (const chunk of stream) {
      expectValid('chunk', chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      totalTokens ??= chunk.usage?.total_tokens;
    }
    expect(text).toBe(e2e.upstream.options.content);
    expect(totalTokens).toBe(18);
    const sent = e2e.upstream.requests.at(-1)!;
    expect(sent.path).toBe('/openai/deployments/gpt4o-prod/chat/completions');
    expect(new URL(sent.url, azureEndpoint).searchParams.get('api-version')).toBe('2025-04-01-preview');
    expect(sent.headers['api-key']).toBe(azureSecret);
    expect(sent.headers.authorization).toBeUndefined();
  });

  it('uses the default api-version when the key names none, and reports azure as the provider', async () => {
    const { data, response } = await e2e.client.chat.completions.create({ model: 'az-default/gpt4o-prod', messages }).withResponse();
    expectValid('completion', data);
    expect(response.headers.get('x-roukey-provider')).toBe('azure');
    const sent = e2e.upstream.requests.at(-1)!;
    expect(sent.path).toBe('/openai/deployments/gpt4o-prod/chat/completions');
    expect(new URL(sent.url, azureEndpoint).searchParams.get('api-version')).toBe('2024-10-21');
    expect(sent.headers['api-key']).toBe(azureSecret);
  });

  it('maps an upstream rejection of the azure key to 424, like any provider', async () => {
    const err = await e2e.client.chat.completions.create({ model: 'az/fail-401', messages }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(424);
  });

  it('lists the custom key’s models but no azure ids (Azure lists models, requests name deployments)', async () => {
    const ids = (await e2e.client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['my-vllm/gpt-4o-mini', 'fake/gpt-4o-mini']));
    expect(ids.filter((id) => id.startsWith('az'))).toEqual([]);
  });
});

describe('provider-key creation for the presets', () => {
  it.each([
    [{ provider: 'custom', name: 'no-base', apiKey: 'sk-x-12345' }, 'baseUrl'],
    [{ provider: 'azure', name: 'no-base', apiKey: 'sk-x-12345', apiVersion: '2024-10-21' }, 'baseUrl'],
    [{ provider: 'groq', name: 'no-base', apiKey: 'sk-x-12345', apiVersion: '2024-10-21' }, 'apiVersion'],
  ])('%j is a 400 naming %s and writes nothing', async (body, param) => {
    const res = await e2e.mgmt('POST', '/v1/provider-keys', body);
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe(param);
    const list = await e2e.mgmt('GET', '/v1/provider-keys');
    expect(JSON.stringify(list.json)).not.toContain('no-base');
  });

  it("P2: shows azure's api-version on the key's baseUrl and never the key", async () => {
    const list = await e2e.mgmt('GET', '/v1/provider-keys');
    const text = JSON.stringify(list.json);
    expect(text).not.toContain(azureSecret);
    expect(text).not.toContain(customSecret);
    expect(text).toContain(`${azureEndpoint}/?api-version=2025-04-01-preview`);
  });
});
