import { sendUpstream } from '../../../lambdas/gateway/transport/upstream-http.js';
import { PROVIDERS } from '../../../lambdas/providers/registry.js';
import type { ChatRequest, UpstreamCredentials } from '../../../lambdas/providers/types.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../fakes/openai-upstream.js';
import { chatRequestFor, credentials } from '../../support/adapter-request.js';
import { collectValidChunks } from '../../support/chat-chunks.js';
import { expectValid } from '../../support/openai-schema.js';

const adapter = PROVIDERS.openai;
const creds = (baseUrl: string): UpstreamCredentials => credentials('openai', 'work', 'sk-test-secret', { baseUrl });
const chatRequest = (body: Record<string, unknown>): ChatRequest => chatRequestFor('work', String(body.model), body);

describe('openai adapter against the fake upstream', () => {
  let fake: FakeOpenAIUpstream;
  beforeAll(async () => {
    fake = await startFakeOpenAIUpstream({ chunkCount: 3 });
  });
  afterAll(() => fake.close());

  const send = (body: Record<string, unknown>) => {
    const req = adapter.chatRequest(chatRequest(body), creds(fake.baseUrl));
    return sendUpstream(req, new AbortController().signal);
  };

  it('reads a non-streamed completion with its usage and finish reason, JSON text untouched', async () => {
    const res = await send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const answer = await adapter.readChatResponse(res);
    expect(answer.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
    expect(answer.finishReason).toBe('stop');
    expectValid('completion', JSON.parse(answer.json));
  });

  it('reads a streamed tool call whose arguments are split over chunks, with the usage chunk last', async () => {
    const res = await send({ model: 'tool-call', messages: [{ role: 'user', content: 'weather?' }], stream: true });
    const chunks = await collectValidChunks(adapter.readChatStream(res.body));
    const args = chunks
      .flatMap((c) => (c.choices[0]?.delta.tool_calls as Array<{ function?: { arguments?: string } }> | undefined) ?? [])
      .map((t) => t.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 18 } });
    expect(fake.requests.at(-1)?.body?.stream_options).toEqual({ include_usage: true });
  });

  it.each([
    ['fail-401', 401, undefined],
    ['fail-429', 429, '7'],
    ['fail-500', 500, undefined],
    ['fail-400', 400, undefined],
  ])('reads %s as an http failure with the provider message and Retry-After', async (mode, status, retryAfter) => {
    const res = await send({ model: mode, messages: [{ role: 'user', content: 'x' }] });
    const failure = await adapter.readFailure(res);
    expect(failure).toMatchObject({ kind: 'http', status, retryAfter });
    expect(failure.kind === 'http' && typeof failure.message).toBe('string');
  });

  it('reads the model list', async () => {
    const req = adapter.modelsRequest(creds(fake.baseUrl));
    const models = await adapter.readModels(await sendUpstream(req, new AbortController().signal));
    expect(models).toEqual([
      { id: 'gpt-4o-mini', created: 1_700_000_000, ownedBy: 'fake-org' },
      { id: 'gpt-4o', created: 1_700_000_000, ownedBy: 'fake-org' },
    ]);
  });
});
