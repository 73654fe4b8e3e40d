import { clientChunks, forwardableChunk } from '../../../lambdas/gateway/engine/client-chunks.js';
import { StreamMeter, usageFields } from '../../../lambdas/gateway/engine/stream-meter.js';
import { encodeSseChunk, encodeSseError, SSE_DONE } from '../../../lambdas/inbound/openai/sse.js';
import type { ChatChunk } from '../../../lambdas/providers/types.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { expectValid } from '../../support/openai-schema.js';

const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8, prompt_tokens_details: { cached_tokens: 2 } };
const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Partial<ChatChunk> = {}): ChatChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});
const upstream = (): ChatChunk[] => [
  chunk({ role: 'assistant', content: '' }, null, { usage: null }),
  chunk({ content: 'Hi' }, null, { usage: null }),
  chunk({}, 'stop', { usage: null }),
  { ...chunk({}), choices: [], usage },
];

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const i of items) yield i;
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('usage forwarding', () => {
  it('drops the usage-only chunk and the usage: null fields when the client did not ask for usage', async () => {
    const out = await collect(clientChunks(from(upstream()), new StreamMeter(0), false));
    expect(out).toHaveLength(3);
    for (const c of out) {
      expect(c).not.toHaveProperty('usage');
      expectValid('chunk', c);
    }
  });

  it('forwards every chunk unchanged when the client asked for usage', async () => {
    const chunks = upstream();
    const out = await collect(clientChunks(from(chunks), new StreamMeter(0), true));
    expect(out).toEqual(chunks);
    expect(out.at(-1)).toMatchObject({ choices: [], usage });
    for (const c of out) expectValid('chunk', c);
  });

  it('leaves a chunk without a usage field as the same object (no copy on the hot path)', () => {
    const c = chunk({ content: 'x' });
    expect(forwardableChunk(c, false)).toBe(c);
  });
});

describe('StreamMeter', () => {
  it('meters time to first token, finish reason and usage even when usage is not forwarded', async () => {
    let now = 1_000;
    const meter = new StreamMeter(1_000, () => now);
    const source = (async function* () {
      now = 1_010;
      yield upstream()[0]!; // role only: not a token
      now = 1_025;
      yield upstream()[1]!;
      now = 1_040;
      yield* from(upstream().slice(2));
    })();
    await collect(clientChunks(source, meter, false));
    expect(meter.metering).toEqual({ ttftMs: 25, finishReason: 'stop', usage });
    expect(usageFields(meter.metering.usage)).toEqual({ promptTokens: 5, completionTokens: 3, totalTokens: 8, cachedTokens: 2 });
  });

  it('counts a tool call delta as the first token and ignores unknown finish reasons', () => {
    const meter = new StreamMeter(0, () => 5);
    meter.observe(chunk({ tool_calls: [{ index: 0, function: { arguments: '{' } }] }));
    meter.observe(chunk({}, 'something_new'));
    expect(meter.metering).toEqual({ ttftMs: 5 });
  });

  it('counts streamed reasoning as the first token (a reasoning model thinks out loud before it answers)', () => {
    const meter = new StreamMeter(0, () => 7);
    meter.observe(chunk({ role: 'assistant', content: '' }));
    expect(meter.metering.ttftMs).toBeUndefined();
    meter.observe(chunk({ reasoning_content: 'Let me think' }));
    expect(meter.metering.ttftMs).toBe(7);
  });

  it('ignores malformed token counts', () => {
    expect(usageFields({ prompt_tokens: -1, completion_tokens: 1.5, total_tokens: 3 })).toEqual({
      promptTokens: undefined,
      completionTokens: undefined,
      totalTokens: 3,
      cachedTokens: undefined,
    });
  });
});

describe('SSE encoder', () => {
  it('frames a chunk as one data event that parses back to the chunk', () => {
    const c = chunk({ content: 'line1\nline2' });
    const text = encodeSseChunk(c);
    expect(text.startsWith('data: ')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(true);
    expect(text.slice(6, -2)).not.toContain('\n');
    expect(JSON.parse(text.slice(6))).toEqual(c);
  });

  it('ends with [DONE] and frames errors in OpenAI shape', () => {
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
    const body = new ApiError('upstream_error', 'The provider stream failed.').toBody();
    const text = encodeSseError(body);
    expectValid('error', JSON.parse(text.slice(6)));
  });
});
