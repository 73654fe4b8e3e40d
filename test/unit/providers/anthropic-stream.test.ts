import { anthropic } from '../../../lambdas/providers/anthropic/index.js';
import { UpstreamError, type ChatChunk } from '../../../lambdas/providers/types.js';
import { FAKE_TIME_INPUT, FAKE_WEATHER_INPUT } from '../../fakes/anthropic-upstream.js';
import { bytesSplitAt } from '../../support/byte-stream.js';
import { assembleChunks, collectValidChunks, type ToolCallDelta } from '../../support/chat-chunks.js';

/** An Anthropic SSE stream in the documented wire format: `event: <type>` then `data: <json with the same type>`. */
function sse(events: Array<Record<string, unknown> & { type: string }>): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
}

const start = (usage: Record<string, number> = { input_tokens: 25, output_tokens: 1 }) => ({
  type: 'message_start',
  message: { id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage },
});
const textBlock = (index: number, parts: string[]) => [
  { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
  ...parts.map((text) => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } })),
  { type: 'content_block_stop', index },
];
const toolBlock = (index: number, id: string, name: string, parts: string[]) => [
  { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } },
  { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } },
  ...parts.map((partial_json) => ({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } })),
  { type: 'content_block_stop', index },
];
const end = (stopReason: string, usage: Record<string, number> = { output_tokens: 15 }) => [
  { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage },
  { type: 'message_stop' },
];

/** `text` cut into pieces of `size` characters (anywhere: inside strings, escapes and numbers). */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const TEXT_STREAM = sse([start(), { type: 'ping' }, ...textBlock(0, ['Héllo', ' wörld ', '🌍']), ...end('end_turn')]);

describe('anthropic adapter: stream translation', () => {
  it('sends the role first, then text deltas, a finish chunk and a usage chunk with choices []', async () => {
    const chunks = await collectValidChunks(anthropic.readChatStream(bytesSplitAt(TEXT_STREAM)));
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.slice(1, 4).map((c) => c.choices[0]!.delta.content)).toEqual(['Héllo', ' wörld ', '🌍']);
    expect(chunks[4]!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks[5]).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 } });
    expect(chunks).toHaveLength(6);
    for (const c of chunks) expect(c).toMatchObject({ id: 'msg_01', object: 'chat.completion.chunk', model: 'claude-sonnet-4-5' });
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
  });

  it('yields the same chunks whole or split at any byte', async () => {
    const whole = (await collectValidChunks(anthropic.readChatStream(bytesSplitAt(TEXT_STREAM)))).map(({ created: _c, ...rest }) => rest);
    const length = new TextEncoder().encode(TEXT_STREAM).length;
    for (let cut = 1; cut < length; cut += 7) {
      const split = await collectValidChunks(anthropic.readChatStream(bytesSplitAt(TEXT_STREAM, [cut, cut + 3])));
      expect(split.map(({ created: _c, ...rest }) => rest)).toEqual(whole);
    }
  });

  it('streams a tool call: name and id with arguments "" at block start, then every partial_json under the same index', async () => {
    const args = JSON.stringify(FAKE_WEATHER_INPUT);
    const parts = pieces(args, 3);
    expect(parts.length).toBeGreaterThan(10);
    const chunks = await collectValidChunks(
      anthropic.readChatStream(
        bytesSplitAt(sse([start(), ...textBlock(0, ['Checking.']), ...toolBlock(1, 'toolu_01', 'get_weather', parts), ...end('tool_use')])),
      ),
    );
    const toolChunks = chunks.filter((c) => c.choices[0]?.delta.tool_calls);
    expect(toolChunks[0]!.choices[0]!.delta.tool_calls).toEqual([
      { index: 0, id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '' } },
    ]);
    // The empty opening partial_json is not forwarded; every other piece is, in order.
    expect(toolChunks.slice(1).map((c) => (c.choices[0]!.delta.tool_calls as ToolCallDelta[])[0])).toEqual(
      parts.map((arguments_) => ({ index: 0, function: { arguments: arguments_ } })),
    );
    const assembled = assembleChunks(chunks);
    expect(assembled.content).toBe('Checking.');
    expect(JSON.parse(assembled.tools[0]!.function.arguments)).toEqual(FAKE_WEATHER_INPUT);
    expect(assembled.finishReason).toBe('tool_calls');
  });

  it('indexes two parallel tool_use blocks 0 and 1 (counting tool blocks only) and keeps their arguments apart', async () => {
    const weather = pieces(JSON.stringify(FAKE_WEATHER_INPUT), 5);
    const time = pieces(JSON.stringify(FAKE_TIME_INPUT), 4);
    const chunks = await collectValidChunks(
      anthropic.readChatStream(
        bytesSplitAt(
          sse([
            start(),
            ...textBlock(0, ['Two calls.']),
            ...toolBlock(1, 'toolu_a', 'get_weather', weather),
            ...toolBlock(2, 'toolu_b', 'get_time', time),
            ...end('tool_use'),
          ]),
        ),
      ),
    );
    const { tools } = assembleChunks(chunks);
    expect(tools.map((t) => [t.id, t.type, t.function.name])).toEqual([
      ['toolu_a', 'function', 'get_weather'],
      ['toolu_b', 'function', 'get_time'],
    ]);
    expect(JSON.parse(tools[0]!.function.arguments)).toEqual(FAKE_WEATHER_INPUT);
    expect(JSON.parse(tools[1]!.function.arguments)).toEqual(FAKE_TIME_INPUT);
  });

  it('streams thinking as reasoning_content and skips signature deltas', async () => {
    const events = [
      start(),
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Step one, ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'step two.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } },
      { type: 'content_block_stop', index: 0 },
      ...textBlock(1, ['Done.']),
      ...end('end_turn'),
    ];
    const chunks = await collectValidChunks(anthropic.readChatStream(bytesSplitAt(sse(events))));
    const assembled = assembleChunks(chunks);
    expect(assembled.reasoning).toBe('Step one, step two.');
    expect(assembled.content).toBe('Done.');
    expect(JSON.stringify(chunks)).not.toContain('EqQBCgIYAhIM');
  });

  it('totals usage with cache reads and writes, taking the latest counters from message_delta', async () => {
    const events = [
      start({ input_tokens: 30, cache_read_input_tokens: 2000, cache_creation_input_tokens: 100, output_tokens: 1 }),
      ...textBlock(0, ['ok']),
      ...end('max_tokens', { output_tokens: 42 }),
    ];
    const chunks = await collectValidChunks(anthropic.readChatStream(bytesSplitAt(sse(events))));
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 2130, completion_tokens: 42, total_tokens: 2172, prompt_tokens_details: { cached_tokens: 2000 } });
  });

  it('ignores ping and event types it does not know', async () => {
    const events = [start(), { type: 'ping' }, { type: 'some_future_event', index: 0 }, ...textBlock(0, ['a']), { type: 'ping' }, ...end('end_turn')];
    const chunks = await collectValidChunks(anthropic.readChatStream(bytesSplitAt(sse(events))));
    expect(assembleChunks(chunks).content).toBe('a');
    expect(chunks).toHaveLength(4);
  });

  it('turns an error event into an UpstreamError of kind stream carrying its message', async () => {
    const events = [start(), ...textBlock(0, ['partial']).slice(0, 2), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }];
    const seen: ChatChunk[] = [];
    const err = await (async () => {
      for await (const c of anthropic.readChatStream(bytesSplitAt(sse(events)))) seen.push(c);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).failure).toEqual({ kind: 'stream', message: 'Overloaded' });
    expect(seen).toHaveLength(2);
  });

  it('treats a stream that ends before message_stop as a failure', async () => {
    const cut = sse([start(), ...textBlock(0, ['a', 'b'])]);
    await expect(collectValidChunks(anthropic.readChatStream(bytesSplitAt(cut)))).rejects.toMatchObject({ failure: { kind: 'stream' } });
  });

  it('rejects an event whose data is not JSON', async () => {
    await expect(collectValidChunks(anthropic.readChatStream(bytesSplitAt('event: message_start\ndata: {oops\n\n')))).rejects.toBeInstanceOf(UpstreamError);
  });
});
