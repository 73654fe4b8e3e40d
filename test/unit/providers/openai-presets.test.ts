import { OPENAI_COMPATIBLE } from '../../../lambdas/providers/openai/index.js';
import { AZURE_DEFAULT_API_VERSION, OPENAI_PRESETS, type OpenAiCompatibleId } from '../../../lambdas/providers/openai/presets.js';
import type { ChatChunk, ChatRequest, UpstreamResponse } from '../../../lambdas/providers/types.js';
import type { UpstreamCredentials } from '../../../lambdas/providers/types.js';
import { StreamMeter } from '../../../lambdas/gateway/engine/stream-meter.js';
import { clientChunks } from '../../../lambdas/gateway/engine/client-chunks.js';
import { chatRequestFor, credentials } from '../../support/adapter-request.js';

const SECRET = 'sk-preset-test-secret';
const creds = (provider: OpenAiCompatibleId, baseUrl?: string): UpstreamCredentials => credentials(provider, 'work', SECRET, { baseUrl });

const chatRequest = (body: Record<string, unknown>, over: Partial<ChatRequest> = {}): ChatRequest => chatRequestFor('work', 'some-model', body, over);

const BODY = { model: 'work/some-model', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, some_future_field: { nested: [1, 2] } };

/** Where each preset with a public endpoint sends chat completions. */
const EXPECTED_CHAT_URLS = {
  openai: 'https://api.openai.com/v1/chat/completions',
  groq: 'https://api.groq.com/openai/v1/chat/completions',
  deepseek: 'https://api.deepseek.com/v1/chat/completions',
  xai: 'https://api.x.ai/v1/chat/completions',
  mistral: 'https://api.mistral.ai/v1/chat/completions',
  together: 'https://api.together.xyz/v1/chat/completions',
  fireworks: 'https://api.fireworks.ai/inference/v1/chat/completions',
  openrouter: 'https://openrouter.ai/api/v1/chat/completions',
  perplexity: 'https://api.perplexity.ai/chat/completions',
  cerebras: 'https://api.cerebras.ai/v1/chat/completions',
} as const satisfies Partial<Record<OpenAiCompatibleId, string>>;

function response(status: number, text: string): UpstreamResponse & { discarded: boolean } {
  return {
    status,
    discarded: false,
    header: () => undefined,
    text: async () => text,
    body: (async function* () {})(),
    discard() {
      this.discarded = true;
    },
  };
}

function sse(chunks: unknown[]): AsyncIterable<Uint8Array> {
  const text = `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
  return (async function* () {
    yield new TextEncoder().encode(text);
  })();
}

describe('OpenAI-compatible presets', () => {
  it('serve every preset with an adapter under its own id', () => {
    for (const id of Object.keys(OPENAI_PRESETS) as OpenAiCompatibleId[]) expect(OPENAI_COMPATIBLE[id].id).toBe(id);
  });

  it.each(Object.entries(EXPECTED_CHAT_URLS))('%s: posts to its public endpoint with the bearer key and the body passed through', (id, url) => {
    const req = OPENAI_COMPATIBLE[id as OpenAiCompatibleId].chatRequest(chatRequest(BODY), creds(id as OpenAiCompatibleId));
    expect(req.url).toBe(url);
    expect(req.method).toBe('POST');
    expect(req.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(req.headers['api-key']).toBeUndefined();
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body!)).toEqual({ ...BODY, model: 'some-model' });
  });

  it.each(Object.entries(EXPECTED_CHAT_URLS))('%s: lists models at {base}/models with the bearer key', (id, url) => {
    const req = OPENAI_COMPATIBLE[id as OpenAiCompatibleId].modelsRequest(creds(id as OpenAiCompatibleId));
    expect(req).toEqual({
      url: url.replace(/\/chat\/completions$/, '/models'),
      method: 'GET',
      headers: { authorization: `Bearer ${SECRET}`, accept: 'application/json' },
    });
  });

  it("uses the provider key's baseUrl (regional endpoint, proxy) instead of the preset's, without trailing slashes", () => {
    const req = OPENAI_COMPATIBLE.groq.chatRequest(chatRequest(BODY), creds('groq', 'https://groq-proxy.example.com/openai/v1//'));
    expect(req.url).toBe('https://groq-proxy.example.com/openai/v1/chat/completions');
  });

  it('custom: goes where the provider key says', () => {
    const req = OPENAI_COMPATIBLE.custom.chatRequest(chatRequest(BODY), creds('custom', 'http://127.0.0.1:8000/v1'));
    expect(req.url).toBe('http://127.0.0.1:8000/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('custom and azure: a key record without baseUrl is refused before any request is built', () => {
    expect(() => OPENAI_COMPATIBLE.custom.chatRequest(chatRequest(BODY), creds('custom'))).toThrow('custom provider key needs a baseUrl');
    expect(() => OPENAI_COMPATIBLE.azure.modelsRequest(creds('azure'))).toThrow('azure provider key needs a baseUrl');
  });

  it('asks for stream usage where the upstream accepts stream_options, keeping the client’s other stream options', () => {
    const req = OPENAI_COMPATIBLE.groq.chatRequest(chatRequest({ ...BODY, stream: true, stream_options: { future_option: 1 } }), creds('groq'));
    expect(JSON.parse(req.body!).stream_options).toEqual({ future_option: 1, include_usage: true });
    expect(req.headers.accept).toBe('text/event-stream');
  });
});

describe('mistral preset: no stream_options', () => {
  it('never sends stream_options (Mistral rejects the field), not even the client’s own', () => {
    const streamed = OPENAI_COMPATIBLE.mistral.chatRequest(
      chatRequest({ ...BODY, stream: true, stream_options: { include_usage: true } }, { includeUsage: true }),
      creds('mistral'),
    );
    expect(JSON.parse(streamed.body!)).toEqual({ ...BODY, model: 'some-model', stream: true });
    const plain = OPENAI_COMPATIBLE.mistral.chatRequest(chatRequest({ ...BODY, stream_options: { include_usage: true } }), creds('mistral'));
    expect(JSON.parse(plain.body!)).not.toHaveProperty('stream_options');
  });

  it('meters usage from the final chunk it sends unasked, and keeps it from a client that did not ask', async () => {
    const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
    const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'mistral-small-latest' };
    const upstream = sse([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }], usage },
    ]);
    const meter = new StreamMeter(0, () => 1);
    const forwarded: ChatChunk[] = [];
    for await (const chunk of clientChunks(OPENAI_COMPATIBLE.mistral.readChatStream(upstream), meter, false)) forwarded.push(chunk);
    expect(meter.metering.usage).toEqual(usage);
    expect(meter.metering.finishReason).toBe('stop');
    expect(forwarded).toHaveLength(2);
    expect(forwarded.some((c) => 'usage' in c)).toBe(false);
  });
});

describe('azure preset', () => {
  const endpoint = 'https://my-resource.openai.azure.com';

  it('posts to the deployment named by the model part, with the default api-version and the api-key header', () => {
    const req = OPENAI_COMPATIBLE.azure.chatRequest(chatRequest(BODY, { model: 'gpt4o-prod' }), creds('azure', `${endpoint}/`));
    expect(req.url).toBe(`${endpoint}/openai/deployments/gpt4o-prod/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`);
    expect(req.headers['api-key']).toBe(SECRET);
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.parse(req.body!)).toEqual({ ...BODY, model: 'gpt4o-prod' });
  });

  it('uses the api-version the provider key carries, and escapes the deployment name in the path', () => {
    const req = OPENAI_COMPATIBLE.azure.chatRequest(chatRequest(BODY, { model: 'a b/../c' }), creds('azure', `${endpoint}/?api-version=2025-04-01-preview`));
    expect(req.url).toBe(`${endpoint}/openai/deployments/a%20b%2F..%2Fc/chat/completions?api-version=2025-04-01-preview`);
  });

  it('asks for stream usage (accepted since api-version 2024-10-21)', () => {
    const req = OPENAI_COMPATIBLE.azure.chatRequest(chatRequest({ ...BODY, stream: true }), creds('azure', endpoint));
    expect(JSON.parse(req.body!).stream_options).toEqual({ include_usage: true });
  });

  it('lists no models: Azure lists base models, while requests name deployments', async () => {
    const req = OPENAI_COMPATIBLE.azure.modelsRequest(creds('azure', endpoint));
    expect(req.url).toBe(`${endpoint}/openai/models?api-version=${AZURE_DEFAULT_API_VERSION}`);
    expect(req.headers).toEqual({ 'api-key': SECRET, accept: 'application/json' });
    const answer = response(200, JSON.stringify({ data: [{ id: 'gpt-4o-2024-08-06', object: 'model' }] }));
    expect(await OPENAI_COMPATIBLE.azure.readModels(answer)).toEqual([]);
    expect(answer.discarded).toBe(true);
  });

  it('reads Azure error bodies like OpenAI ones', async () => {
    const failure = await OPENAI_COMPATIBLE.azure.readFailure(
      response(404, JSON.stringify({ error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } })),
    );
    expect(failure).toEqual({ kind: 'http', status: 404, message: 'The API deployment for this resource does not exist.', retryAfter: undefined });
  });
});
