import { ApiError } from '../../../lambdas/http/errors.js';
import { checkDimensions, embeddingsAdapter, embeddingsAnswer, type EmbeddingsInput } from '../../../lambdas/providers/embeddings.js';
import { GEMINI_MAX_BATCH } from '../../../lambdas/providers/google/embeddings.js';
import { chatRequestFor, credentials } from '../../support/adapter-request.js';
import { fixedResponse } from '../../support/fixed-response.js';
import { expectValid } from '../../support/openai-schema.js';
import { expectThrown } from '../../support/thrown.js';

const input = (texts: string[], over: Partial<EmbeddingsInput> = {}): EmbeddingsInput => ({ input: texts, encodingFormat: 'float', ...over });
const request = (key: string, model: string, body: Record<string, unknown> = {}) =>
  chatRequestFor(key, model, { model: `${key}/${model}`, input: 'x', ...body });

describe('embeddings adapters: requests', () => {
  it('passes the body through to OpenAI with the target model, and to Azure by its deployment route', () => {
    const openai = embeddingsAdapter('openai', input(['x'])).chatRequest(
      request('oa', 'text-embedding-3-small', { user: 'u1' }),
      credentials('openai', 'oa', 'sk'),
    );
    expect([openai.url, JSON.parse(openai.body ?? '')]).toEqual([
      'https://api.openai.com/v1/embeddings',
      { model: 'text-embedding-3-small', input: 'x', user: 'u1' },
    ]);
    const azure = embeddingsAdapter('azure', input(['x'])).chatRequest(
      request('az', 'my-deployment'),
      credentials('azure', 'az', 'k', { baseUrl: 'https://r.openai.azure.com' }),
    );
    expect(azure.url).toBe('https://r.openai.azure.com/openai/deployments/my-deployment/embeddings?api-version=2024-10-21');
    expect(azure.headers['api-key']).toBe('k');
  });

  it('translates to Gemini: embedContent for one text, batchEmbedContents for several, outputDimensionality for dimensions', () => {
    const creds = credentials('google', 'g', 'gk');
    const one = embeddingsAdapter('google', input(['alpha'], { dimensions: 8 })).chatRequest(request('g', 'gemini-embedding-001'), creds);
    expect(one.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:embedContent');
    expect(one.headers['x-goog-api-key']).toBe('gk');
    expect(JSON.parse(one.body ?? '')).toEqual({ content: { parts: [{ text: 'alpha' }] }, outputDimensionality: 8 });
    const many = embeddingsAdapter('google', input(['a', 'b'])).chatRequest(request('g', 'gemini-embedding-001'), creds);
    expect(many.url).toMatch(/:batchEmbedContents$/);
    expect(JSON.parse(many.body ?? '')).toEqual({
      requests: ['a', 'b'].map((text) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] } })),
    });
  });

  it.each([
    ['too many texts for one Gemini batch', 'google', input(Array.from({ length: GEMINI_MAX_BATCH + 1 }, () => 'x')), 'input'],
    ['token arrays to Gemini', 'google', { input: [[1, 2]], encodingFormat: 'float' } as EmbeddingsInput, 'input'],
    ['Anthropic, which has no embeddings API', 'anthropic', input(['x']), 'model'],
  ] as const)('refuses %s with a 400 naming the field', (_what, provider, embeddings, param) => {
    const error = expectThrown(ApiError, () =>
      embeddingsAdapter(provider, embeddings).chatRequest(request('k', 'some-model'), credentials(provider, 'k', 'key')),
    );
    expect([error.status, error.options.param]).toEqual([400, param]);
  });
});

describe('embeddings adapters: answers', () => {
  it('reads Gemini single and batch answers into OpenAI list shape, usage estimated from the texts', async () => {
    const adapter = embeddingsAdapter('google', input(['hello world', 'bye']));
    adapter.chatRequest(request('g', 'gemini-embedding-001'), credentials('google', 'g', 'k'));
    const answer = await adapter.readChatResponse(fixedResponse(200, { embeddings: [{ values: [1, 2] }, { values: [3, 4] }] }));
    const json = JSON.parse(answer.json);
    expectValid('embeddings', json);
    expect(json.data).toEqual([
      { object: 'embedding', index: 0, embedding: [1, 2] },
      { object: 'embedding', index: 1, embedding: [3, 4] },
    ]);
    expect(json.model).toBe('gemini-embedding-001');
    expect(answer.usage).toMatchObject({ completion_tokens: 0, estimated: true });
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(0);
    const single = await adapter.readChatResponse(fixedResponse(200, { embedding: { values: [5] } }));
    expect(JSON.parse(single.json).data[0].embedding).toEqual([5]);
  });

  it('keeps an OpenAI answer as it came, metering its usage', async () => {
    const text = JSON.stringify({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
      model: 'm',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const answer = await embeddingsAdapter('openai', input(['x'])).readChatResponse(fixedResponse(200, text));
    expect(answer.json).toBe(text);
    expect(answer.usage).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 });
  });

  it('encodes base64 as little-endian float32, as OpenAI does', () => {
    const { json } = embeddingsAnswer([[0.25, -1.5]], 'm', input(['x'], { encodingFormat: 'base64' }), 2);
    const encoded = JSON.parse(json).data[0].embedding as string;
    expect([...new Float32Array(new Uint8Array(Buffer.from(encoded, 'base64')).buffer)]).toEqual([0.25, -1.5]);
  });

  it('fails an unreadable answer without quoting it', async () => {
    const adapter = embeddingsAdapter('google', input(['x']));
    await expect(adapter.readChatResponse(fixedResponse(200, { vectors: 'SECRET' }))).rejects.toThrow(/upstream stream failure/);
  });
});

describe('checkDimensions', () => {
  it.each([
    ['openai', 'text-embedding-3-small', 256, true],
    ['openai', 'text-embedding-3-small', 1_536, true],
    ['openai', 'text-embedding-3-small', 4_096, false],
    ['openai', 'text-embedding-ada-002', 1_536, true],
    ['openai', 'text-embedding-ada-002', 512, false],
    ['bedrock', 'amazon.titan-embed-text-v2:0', 512, true],
    ['bedrock', 'amazon.titan-embed-text-v2:0', 300, false],
    ['openai', 'a-model-the-catalog-does-not-know', 7, true],
  ] as const)('%s %s, %d dimensions: allowed %s', (provider, model, dimensions, allowed) => {
    const check = () => checkDimensions(provider, model, dimensions);
    if (allowed) expect(check).not.toThrow();
    else expect(expectThrown(ApiError, check).options).toMatchObject({ param: 'dimensions', code: 'unsupported_dimensions' });
  });
});
