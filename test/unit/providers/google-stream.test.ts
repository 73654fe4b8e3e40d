import { google } from '../../../lambdas/providers/google/index.js';
import { UpstreamError, type ChatChunk } from '../../../lambdas/providers/types.js';
import { expectValid } from '../../support/openai-schema.js';
import { asyncBytesSplitAt } from '../../support/byte-stream.js';

/** Gemini's SSE framing (it separates events with CRLF CRLF), cut into byte pieces at the given offsets. */
function sse(events: unknown[], cuts: number[] = []): AsyncIterable<Uint8Array> {
  return asyncBytesSplitAt(events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\r\n\r\n`).join(''), cuts);
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const chunk of google.readChatStream(body)) {
    expectValid('chunk', chunk);
    out.push(chunk);
  }
  return out;
}

const event = (parts: unknown[], extra: Record<string, unknown> = {}, usage?: Record<string, number>) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
  ...(usage ? { usageMetadata: usage } : {}),
  modelVersion: 'gemini-2.5-flash',
  responseId: 'r1',
});

const TEXT_EVENTS = [
  event([{ text: 'héllo ✓ ' }], {}, { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 }),
  event([{ text: 'wörld 🌍' }], {}, { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 14 }),
  event([{ text: '!' }], { finishReason: 'STOP' }, { promptTokenCount: 10, candidatesTokenCount: 5, cachedContentTokenCount: 3, totalTokenCount: 15 }),
];

describe('google adapter: stream translation', () => {
  it('yields a role chunk, text deltas, a finish chunk and a usage chunk from the last usageMetadata', async () => {
    const chunks = await collect(sse(TEXT_EVENTS));
    expect(chunks.map((c) => c.choices.map((ch) => [ch.delta, ch.finish_reason]))).toEqual([
      [[{ role: 'assistant', content: '' }, null]],
      [[{ content: 'héllo ✓ ' }, null]],
      [[{ content: 'wörld 🌍' }, null]],
      [[{ content: '!' }, null]],
      [[{}, 'stop']],
      [],
    ]);
    expect(chunks.at(-1)!.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    // One id, created and model for the whole stream.
    expect(new Set(chunks.map((c) => `${c.id} ${c.created} ${c.model}`)).size).toBe(1);
    expect(chunks[0]).toMatchObject({ id: 'chatcmpl-r1', model: 'gemini-2.5-flash', object: 'chat.completion.chunk' });
  });

  it('yields the same deltas whichever byte the network splits at', async () => {
    const content = (cs: ChatChunk[]) => cs.map((c) => c.choices[0]?.delta.content ?? c.choices[0]?.finish_reason ?? 'usage');
    const whole = content(await collect(sse(TEXT_EVENTS)));
    const length = new TextEncoder().encode(TEXT_EVENTS.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('')).length;
    for (let cut = 1; cut < length; cut += 7) expect(content(await collect(sse(TEXT_EVENTS, [cut, cut + 3])))).toEqual(whole);
  });

  it('sends a function call whole with its index, id and exact arguments, then finish_reason tool_calls', async () => {
    const args = { location: 'Paris, France', unit: 'celsius' };
    const chunks = await collect(
      sse([
        event(
          [{ functionCall: { name: 'get_weather', args }, thoughtSignature: 'c2ln' }],
          { finishReason: 'STOP' },
          { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
        ),
      ]),
    );
    const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as any[] | undefined) ?? []);
    expect(calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: JSON.stringify(args) },
        extra_content: { google: { thought_signature: 'c2ln' } },
      },
    ]);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('gives parallel calls stable, increasing indexes, in one event or across events', async () => {
    const inOne = await collect(
      sse([event([{ functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b', args: { y: 2 } } }], { finishReason: 'STOP' })]),
    );
    const across = await collect(
      sse([
        event([{ text: 'Calling.' }, { functionCall: { name: 'a', args: { x: 1 } } }]),
        event([{ functionCall: { name: 'b', args: { y: 2 } } }], { finishReason: 'STOP' }),
      ]),
    );
    for (const chunks of [inOne, across]) {
      const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as any[] | undefined) ?? []);
      expect(calls.map((c) => [c.index, c.function.name, c.function.arguments])).toEqual([
        [0, 'a', '{"x":1}'],
        [1, 'b', '{"y":2}'],
      ]);
      expect(new Set(calls.map((c) => c.id)).size).toBe(2);
      expect(chunks.at(-1)!.choices[0]?.finish_reason).toBe('tool_calls');
    }
  });

  it('streams thought parts as reasoning_content and counts thinking tokens as completion tokens', async () => {
    const chunks = await collect(
      sse([
        event([{ text: 'Hmm.', thought: true }]),
        event([{ text: 'Yes.' }], { finishReason: 'STOP' }, { promptTokenCount: 4, candidatesTokenCount: 1, thoughtsTokenCount: 6, totalTokenCount: 11 }),
      ]),
    );
    expect(chunks.map((c) => c.choices[0]?.delta)).toContainEqual({ reasoning_content: 'Hmm.' });
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 7, total_tokens: 11, completion_tokens_details: { reasoning_tokens: 6 } });
  });

  it('maps MAX_TOKENS and SAFETY finishes', async () => {
    for (const [gemini, openai] of [
      ['MAX_TOKENS', 'length'],
      ['SAFETY', 'content_filter'],
    ] as const) {
      const chunks = await collect(sse([event([{ text: 'x' }], { finishReason: gemini })]));
      expect(chunks.at(-1)!.choices[0]?.finish_reason).toBe(openai);
    }
  });

  it('streams n candidates as choices by index, each with its role chunk and finish', async () => {
    const two = {
      candidates: [
        { content: { parts: [{ text: 'a' }] }, index: 0, finishReason: 'STOP' },
        { content: { parts: [{ text: 'b' }] }, index: 1, finishReason: 'STOP' },
      ],
    };
    const chunks = await collect(sse([two]));
    for (const index of [0, 1]) {
      const mine = chunks.filter((c) => c.choices[0]?.index === index).map((c) => [c.choices[0]!.delta, c.choices[0]!.finish_reason]);
      expect(mine).toEqual([
        [{ role: 'assistant', content: '' }, null],
        [{ content: index === 0 ? 'a' : 'b' }, null],
        [{}, 'stop'],
      ]);
    }
  });

  it('ends a blocked prompt (promptFeedback, no candidates) with content_filter', async () => {
    const chunks = await collect(sse([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } }]));
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, 'content_filter', null]);
  });

  it('fails a stream that ends without a finishReason (kind stream)', async () => {
    const err = await collect(sse(TEXT_EVENTS.slice(0, 2))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).failure.kind).toBe('stream');
    await expect(collect(sse([]))).rejects.toMatchObject({ failure: { kind: 'stream' } });
  });

  it("fails on an error event mid-stream, carrying Gemini's message", async () => {
    const err = await collect(sse([TEXT_EVENTS[0], { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }])).catch(
      (e: unknown) => e,
    );
    expect((err as UpstreamError).failure).toEqual({ kind: 'stream', message: 'The model is overloaded.' });
  });

  it('fails on an event that is not JSON', async () => {
    await expect(collect(sse(['{oops']))).rejects.toBeInstanceOf(UpstreamError);
  });
});
