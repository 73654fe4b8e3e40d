import { sendUpstream } from '../../../lambdas/gateway/transport/upstream-http.js';
import { anthropic } from '../../../lambdas/providers/anthropic/index.js';
import type { ChatRequest, UpstreamCredentials } from '../../../lambdas/providers/types.js';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../../fakes/anthropic-upstream.js';
import { credentials } from '../../support/adapter-request.js';
import { assembleChunks, collectValidChunks } from '../../support/chat-chunks.js';
import { expectValid } from '../../support/openai-schema.js';

describe('anthropic adapter against the fake Anthropic upstream', () => {
  let fake: FakeAnthropicUpstream;
  const creds = (): UpstreamCredentials => credentials('anthropic', 'claude', 'sk-ant-test', { baseUrl: fake.baseUrl });
  beforeAll(async () => {
    fake = await startFakeAnthropicUpstream();
  });
  afterAll(() => fake.close());

  async function call(model: string, stream: boolean) {
    const request: ChatRequest = {
      body: { model: `claude/${model}`, messages: [{ role: 'user', content: 'Weather?' }], stream },
      providerKeyName: 'claude',
      model,
      stream,
      includeUsage: false,
    };
    const res = await sendUpstream(anthropic.chatRequest(request, creds()), new AbortController().signal);
    expect(res.status).toBe(200);
    return res;
  }

  it.each(['ok', 'tool-call', 'parallel-tools', 'thinking'])('mode %s: the assembled stream equals the non-streamed completion', async (mode) => {
    const json = JSON.parse((await anthropic.readChatResponse(await call(mode, false))).json);
    expectValid('completion', json);
    const streamed = assembleChunks(await collectValidChunks(anthropic.readChatStream((await call(mode, true)).body)));
    const message = json.choices[0].message;
    expect(streamed.content || null).toBe(message.content);
    expect(streamed.reasoning || undefined).toBe(message.reasoning_content);
    expect(streamed.tools.length > 0 ? streamed.tools : undefined).toEqual(message.tool_calls);
    expect(streamed.finishReason).toBe(json.choices[0].finish_reason);
    expect(streamed.usage).toEqual(json.usage);
    expect(fake.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-test');
  });

  it('tool call arguments parse exactly to the input the fake produced', async () => {
    const streamed = assembleChunks(await collectValidChunks(anthropic.readChatStream((await call('parallel-tools', true)).body)));
    const produced = fake.blocks('parallel-tools').flatMap((b) => (b.type === 'tool_use' ? [b.input] : []));
    expect(streamed.tools.map((t) => JSON.parse(t.function.arguments))).toEqual(produced);
  });

  it('reads the fake model list', async () => {
    const res = await sendUpstream(anthropic.modelsRequest(creds()), new AbortController().signal);
    expect((await anthropic.readModels(res)).map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5']);
  });
});
