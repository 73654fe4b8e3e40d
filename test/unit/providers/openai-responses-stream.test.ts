import { passedThroughEvent, responsesPassThroughAdapter } from '../../../lambdas/providers/openai/responses.js';
import { UpstreamError, type ChatChunk } from '../../../lambdas/providers/types.js';
import { hasToken } from '../../../lambdas/gateway/engine/stream-meter.js';
import { asyncBytesSplitAt } from '../../support/byte-stream.js';

const adapter = responsesPassThroughAdapter('openai', { body: { input: 'Hi', store: true } });
const sse = (events: Array<Record<string, unknown>>) =>
  events.map((e, i) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join('');
const response = (status: string, usage?: unknown) => ({ id: 'resp_1', object: 'response', status, output: [], ...(usage ? { usage } : {}) });
const STREAM = sse([
  { type: 'response.created', response: response('in_progress') },
  { type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: 'msg_1' } },
  { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Héllo' },
  {
    type: 'response.completed',
    response: response('completed', { input_tokens: 5, output_tokens: 2, total_tokens: 7, input_tokens_details: { cached_tokens: 1 } }),
  },
]);

async function read(text: string, cuts: number[] = []): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of adapter?.readChatStream(asyncBytesSplitAt(text, cuts)) ?? []) out.push(c);
  return out;
}

describe('the Responses pass-through reader', () => {
  it('is offered only for providers that serve the Responses API', () => {
    expect(['openai', 'azure', 'xai', 'groq', 'anthropic'].map((p) => responsesPassThroughAdapter(p as 'openai', { body: {} }) !== undefined)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('hands every event on as it came, split at any byte, metering the first token, the finish and the usage', async () => {
    for (const cut of [1, 17, 60, 200, STREAM.indexOf('é') + 1]) {
      const chunks = await read(STREAM, [cut, cut + 3]);
      expect(chunks.map((c) => passedThroughEvent(c)?.event)).toEqual([
        'response.created',
        'response.output_item.added',
        'response.output_text.delta',
        'response.completed',
      ]);
      expect(passedThroughEvent(chunks[2] as ChatChunk)?.data).toContain('Héllo');
      expect(chunks.map(hasToken)).toEqual([false, false, true, false]);
      expect(chunks[3]?.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, prompt_tokens_details: { cached_tokens: 1 } });
      expect(chunks[3]?.choices[0]?.finish_reason).toBe('stop');
    }
  });

  it('fails on an error event and on a stream cut before its response completed', async () => {
    const error = sse([{ type: 'error', code: 'server_error', message: 'boom', param: null }]);
    await expect(read(error)).rejects.toEqual(new UpstreamError({ kind: 'stream', message: 'boom' }));
    await expect(read(STREAM.slice(0, STREAM.indexOf('event: response.completed')))).rejects.toBeInstanceOf(UpstreamError);
  });

  it('sends the body as it is with the target model, the role prompt ahead of the instructions', () => {
    const withRole = responsesPassThroughAdapter('openai', { body: { input: 'Hi', instructions: 'Be brief.', custom: 1 } }, 'You code.');
    const request = withRole?.chatRequest(
      { body: {}, providerKeyName: 'o', model: 'gpt-4o-mini', stream: false, includeUsage: true },
      { providerKeyId: 'pk', name: 'o', provider: 'openai', apiKey: 'sk' },
    );
    expect(request?.url).toBe('https://api.openai.com/v1/responses');
    expect(JSON.parse(request?.body ?? '')).toEqual({ input: 'Hi', instructions: 'You code.\n\nBe brief.', custom: 1, model: 'gpt-4o-mini' });
  });
});
