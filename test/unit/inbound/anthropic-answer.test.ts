import { ApiError } from '../../../lambdas/http/errors.js';
import { anthropicErrorBody } from '../../../lambdas/inbound/anthropic/errors.js';
import { AnthropicStreamTranslator, encodeAnthropicEvent, type AnthropicEvent } from '../../../lambdas/inbound/anthropic/stream-events.js';
import { completionToMessage } from '../../../lambdas/inbound/anthropic/to-message.js';
import type { ChatChunk } from '../../../lambdas/providers/types.js';

const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null, extra: Partial<ChatChunk> = {}): ChatChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, delta, finish_reason }],
  ...extra,
});
const usage = { prompt_tokens: 30, completion_tokens: 7, total_tokens: 37, prompt_tokens_details: { cached_tokens: 10 } };

function translate(chunks: ChatChunk[]): AnthropicEvent[] {
  const t = new AnthropicStreamTranslator('fake/gpt-4o');
  return [...chunks.flatMap((c) => t.push(c)), ...t.end()];
}

describe('OpenAI completion → Anthropic Message', () => {
  it('makes thinking, text and tool_use blocks, the stop reason and Anthropic usage (cache reads apart)', () => {
    const completion = {
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Let me check.',
            reasoning_content: 'Need the tool.',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
          },
        },
      ],
      usage,
    };
    expect(completionToMessage(JSON.stringify(completion), 'fake/gpt-4o')).toEqual({
      id: 'msg_chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'fake/gpt-4o',
      content: [
        { type: 'thinking', thinking: 'Need the tool.', signature: '' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 10 },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
  ])('finish_reason %s → stop_reason %s', (finish, stop) => {
    const json = JSON.stringify({ id: 'x', choices: [{ finish_reason: finish, message: { content: 'hi' } }] });
    expect(completionToMessage(json, 'm/m')).toMatchObject({ stop_reason: stop, usage: { input_tokens: 0, output_tokens: 0 } });
  });

  it('refuses an answer without choices as an upstream error', () => {
    expect(() => completionToMessage('{"id":"x","choices":[]}', 'm/m')).toThrow(ApiError);
  });
});

describe('OpenAI chunks → Anthropic stream events', () => {
  it('streams text as one block between message_start and message_delta/message_stop, usage at the end', () => {
    const events = translate([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      { ...chunk({}), choices: [], usage },
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({ message: { id: 'msg_chatcmpl-1', model: 'fake/gpt-4o', role: 'assistant', content: [], stop_reason: null } });
    expect(events[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(events[2]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } });
    expect(events[5]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 10 },
    });
  });

  it('keeps split tool arguments as input_json_delta, one tool_use block per call, after thinking and text', () => {
    const events = translate([
      chunk({ reasoning_content: 'Think' }),
      chunk({ content: 'Calling.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"loc' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ation":"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => [e.index, e.content_block]);
    expect(starts).toEqual([
      [0, { type: 'thinking', thinking: '', signature: '' }],
      [1, { type: 'text', text: '' }],
      [2, { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} }],
      [3, { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} }],
    ]);
    const json = (index: number) =>
      events
        .filter((e) => e.type === 'content_block_delta' && e.index === index)
        .map((e) => (e.delta as { partial_json: string }).partial_json)
        .join('');
    expect(json(2)).toBe('{"location":"Paris"}');
    expect(json(3)).toBe('{}');
    expect(events.find((e) => e.type === 'content_block_delta' && e.index === 0)?.delta).toEqual({ type: 'thinking_delta', thinking: 'Think' });
    // Every started block is stopped before the next starts, in order.
    expect(events.filter((e) => e.type === 'content_block_stop').map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(events.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' } });
  });

  it('still opens and closes the message for an empty stream', () => {
    expect(translate([]).map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  it('frames events as Anthropic does, with an event line naming the type', () => {
    expect(encodeAnthropicEvent({ type: 'message_stop' })).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });
});

describe('errors in Anthropic shape', () => {
  it.each([
    [new ApiError('invalid_request', 'bad'), 'invalid_request_error'],
    [new ApiError('unauthenticated', 'who'), 'authentication_error'],
    [new ApiError('not_found', 'none'), 'not_found_error'],
    [new ApiError('rate_limited', 'slow'), 'rate_limit_error'],
    [new ApiError('upstream_error', 'down'), 'api_error'],
    [new ApiError('upstream_error', 'busy', { status: 529 }), 'overloaded_error'],
    [new ApiError('provider_auth_failed', 'key'), 'api_error'],
    [new ApiError('payload_too_large', 'big'), 'request_too_large'],
  ])('%s → %s', (error, type) => {
    expect(anthropicErrorBody(error)).toEqual({ type: 'error', error: { type, message: error.message } });
  });
});
