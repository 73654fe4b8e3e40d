import { google } from '../../../lambdas/providers/google/index.js';
import { sendUpstream } from '../../../lambdas/gateway/transport/upstream-http.js';
import type { UpstreamCredentials } from '../../../lambdas/providers/types.js';
import type { ChatChunk } from '../../../lambdas/providers/types.js';
import { FAKE_FUNCTION_CALLS, startFakeGoogleUpstream, type FakeGoogleUpstream } from '../../fakes/google-upstream.js';
import { expectValid } from '../../support/openai-schema.js';
import { credentials } from '../../support/adapter-request.js';

let fake: FakeGoogleUpstream;
beforeAll(async () => {
  fake = await startFakeGoogleUpstream();
});
afterAll(() => fake.close());

const creds = (): UpstreamCredentials => credentials('google', 'gemini', 'AIza-fake-key', { baseUrl: fake.baseUrl });

function send(model: string, stream: boolean) {
  const body = { model: `gemini/${model}`, messages: [{ role: 'user', content: 'Say hello' }], stream };
  return sendUpstream(google.chatRequest({ body, providerKeyName: 'gemini', model, stream, includeUsage: true }, creds()), new AbortController().signal);
}

async function streamed(model: string): Promise<ChatChunk[]> {
  const res = await send(model, true);
  const out: ChatChunk[] = [];
  for await (const c of google.readChatStream(res.body)) out.push(c);
  return out;
}

describe('google adapter against the fake Gemini server', () => {
  it('sends the key header and the translated body; reads the answer and its usage', async () => {
    const res = await send('gemini-2.5-flash', false);
    expect(res.status).toBe(200);
    const answer = await google.readChatResponse(res);
    const json = JSON.parse(answer.json);
    expectValid('completion', json);
    expect(json.choices[0].message.content).toBe('Hello from the fake Gemini.');
    expect(answer.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 8, total_tokens: 20, prompt_tokens_details: { cached_tokens: 4 } });
    const recorded = fake.requests.at(-1)!;
    expect(recorded.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(recorded.headers['x-goog-api-key']).toBe('AIza-fake-key');
    expect(recorded.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] });
  });

  it('streams with alt=sse; the assembled stream equals the non-streamed answer', async () => {
    const chunks = await streamed('gemini-2.5-flash');
    expect(fake.requests.at(-1)!.query).toBe('alt=sse');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from the fake Gemini.');
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 8 });
  });

  it("streams the fake's parallel function calls with exact arguments", async () => {
    const chunks = await streamed('parallel-tools');
    const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as any[] | undefined) ?? []);
    expect(calls.map((c) => [c.index, c.function.name, JSON.parse(c.function.arguments)])).toEqual(FAKE_FUNCTION_CALLS.map((f, i) => [i, f.name, f.args]));
  });

  it("reads the fake's invalid-key and quota errors", async () => {
    expect(await google.readFailure(await send('fail-key', false))).toMatchObject({ status: 401 });
    expect(await google.readFailure(await send('fail-429', true))).toMatchObject({ status: 429, retryAfter: '9' });
  });

  it("lists the fake's chat models", async () => {
    const res = await sendUpstream(google.modelsRequest(creds()), new AbortController().signal);
    expect((await google.readModels(res)).map((m) => m.id)).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
  });
});
