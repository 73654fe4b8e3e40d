import { PROVIDERS } from '../../../lambdas/providers/registry.js';
import { PROVIDER_IDS } from '../../../lambdas/provider-ids.js';
import { UpstreamError, type ChatChunk, type ChatRequest } from '../../../lambdas/providers/types.js';
import type { UpstreamCredentials } from '../../../lambdas/providers/types.js';
import { expectValid } from '../../support/openai-schema.js';
import { chatRequestFor, credentials } from '../../support/adapter-request.js';
import { bytesSplitAt } from '../../support/byte-stream.js';

const adapter = PROVIDERS.openai;
const creds = (baseUrl?: string): UpstreamCredentials => credentials('openai', 'work', 'sk-test-secret', { baseUrl });

const chatRequest = (body: Record<string, unknown>, over: Partial<ChatRequest> = {}): ChatRequest => chatRequestFor('work', 'gpt-4o-mini', body, over);

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const SSE_TEXT = `${[chunk({ role: 'assistant', content: '' }), chunk({ content: 'héllo ✓ ' }), chunk({ content: 'wörld 🌍' }), chunk({}, 'stop')]
  .map((c) => `data: ${JSON.stringify(c)}\n\n`)
  .join('')}: keep-alive comment\n\ndata: [DONE]\n\n`;

describe('the provider registry', () => {
  it('has an adapter for every provider id, under its own id', () => {
    for (const id of PROVIDER_IDS) expect(PROVIDERS[id].id).toBe(id);
  });
});

describe('openai adapter: request translation', () => {
  it('sends the model after the provider-key name, the bearer key, and passes unknown fields through unchanged', () => {
    const body = { model: 'work/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, seed: 7, some_future_field: { nested: [1, 2] } };
    const req = adapter.chatRequest(chatRequest(body), creds());
    expect(req.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(req.method).toBe('POST');
    expect(req.headers.authorization).toBe('Bearer sk-test-secret');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body!)).toEqual({ ...body, model: 'gpt-4o-mini' });
  });

  it('uses the provider key base URL (trailing slash tolerated)', () => {
    const req = adapter.chatRequest(chatRequest({ model: 'x/y', messages: [] }), creds('http://127.0.0.1:9/v1/'));
    expect(req.url).toBe('http://127.0.0.1:9/v1/chat/completions');
  });

  it('always asks a stream for usage, keeping the other stream options', () => {
    const body = { model: 'work/m', messages: [], stream: true, stream_options: { include_obfuscation: false } };
    const sent = JSON.parse(adapter.chatRequest(chatRequest(body), creds()).body!);
    expect(sent.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    const explicitOff = JSON.parse(adapter.chatRequest(chatRequest({ ...body, stream_options: { include_usage: false } }), creds()).body!);
    expect(explicitOff.stream_options.include_usage).toBe(true);
  });

  it('leaves stream_options alone when not streaming', () => {
    const sent = JSON.parse(adapter.chatRequest(chatRequest({ model: 'work/m', messages: [] }), creds()).body!);
    expect(sent).not.toHaveProperty('stream_options');
  });

  it('lists models from <base>/models with the bearer key', () => {
    const req = adapter.modelsRequest(creds('http://h/v1'));
    expect(req).toMatchObject({ url: 'http://h/v1/models', method: 'GET', headers: { authorization: 'Bearer sk-test-secret' } });
  });
});

describe('openai adapter: stream parsing', () => {
  it('yields the same chunks whole or split at any byte (inside UTF-8 sequences, lines and fields)', async () => {
    const whole = await collect(adapter.readChatStream(bytesSplitAt(SSE_TEXT, [])));
    expect(whole.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(['', 'héllo ✓ ', 'wörld 🌍', null]);
    const length = new TextEncoder().encode(SSE_TEXT).length;
    for (let cut = 1; cut < length; cut++) {
      expect(await collect(adapter.readChatStream(bytesSplitAt(SSE_TEXT, [cut])))).toEqual(whole);
    }
    const everyByte = Array.from({ length }, (_, i) => i);
    expect(await collect(adapter.readChatStream(bytesSplitAt(SSE_TEXT, everyByte)))).toEqual(whole);
    for (const c of whole) expectValid('chunk', c);
  });

  it('accepts a finished stream without [DONE] (some compatible servers omit it)', async () => {
    const text = SSE_TEXT.replace('data: [DONE]\n\n', '');
    expect(await collect(adapter.readChatStream(bytesSplitAt(text, [5])))).toHaveLength(4);
  });

  it('treats a stream cut before any finish_reason as a failure', async () => {
    const cut = SSE_TEXT.slice(0, SSE_TEXT.indexOf('wörld') - 30);
    await expect(collect(adapter.readChatStream(bytesSplitAt(cut, [])))).rejects.toMatchObject({ failure: { kind: 'stream' } });
  });

  it('turns an error event into an UpstreamError carrying the provider message', async () => {
    const text = `data: ${JSON.stringify(chunk({ content: 'a' }))}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n`;
    const err = await collect(adapter.readChatStream(bytesSplitAt(text, []))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).failure).toEqual({ kind: 'stream', message: 'overloaded' });
  });

  it('rejects an event that is not JSON', async () => {
    await expect(collect(adapter.readChatStream(bytesSplitAt('data: {oops\n\n', [])))).rejects.toBeInstanceOf(UpstreamError);
  });

  it('cancels the upstream body when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(chunk({ content: 'x' }))}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of adapter.readChatStream(body)) break;
    expect(cancelled).toBe(true);
  });
});
