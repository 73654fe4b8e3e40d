import type { ServerResponse } from 'node:http';
import { lastUserMessageText, pickMode, sendJson, sleep, splitText, startEventStream, startFakeServer, type FakeRecordedRequestBase } from './fake-server.js';

/**
 * A scriptable Anthropic Messages API on 127.0.0.1 for tests, speaking the documented wire format (JSON
 * messages, SSE events, error bodies). The mode is picked by the `x-fake-mode` header or by the requested
 * model name: through RouKey, `claude/fail-529` reaches it as model `fail-529`.
 */
export const ANTHROPIC_FAKE_MODES = [
  'ok',
  'echo', // answers with the last user turn's text
  'tool-call', // a text block, then one tool_use whose JSON input is split over many deltas
  'tool-loop', // like tool-call; once the last user turn carries a tool_result, a text answer quoting it
  'parallel-tools', // two tool_use blocks
  'thinking', // a thinking block, then text
  'max-tokens', // stops with stop_reason max_tokens
  'fail-400',
  'fail-401',
  'fail-429', // with Retry-After
  'fail-500',
  'fail-529', // overloaded_error
  'error-stream', // message_start, one text delta, then an `error` event
  'cut-stream', // ends cleanly before message_stop
] as const;
export type AnthropicFakeMode = (typeof ANTHROPIC_FAKE_MODES)[number];

export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicFakeOptions {
  content: string;
  /** Text deltas per text block when streamed. */
  chunkCount: number;
  chunkDelayMs: number;
  usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };
  models: string[];
}

export interface AnthropicRecordedRequest extends FakeRecordedRequestBase {
  readonly mode: AnthropicFakeMode;
}

export interface FakeAnthropicUpstream {
  /** Base URL including `/v1`, as a provider key's baseUrl. */
  readonly baseUrl: string;
  readonly requests: AnthropicRecordedRequest[];
  readonly options: AnthropicFakeOptions;
  configure(options: Partial<AnthropicFakeOptions>): void;
  /** The content blocks the fake answers with in `mode` (for `echo`, given the request body). */
  blocks(mode: AnthropicFakeMode, body?: Record<string, unknown>): FakeBlock[];
  close(): Promise<void>;
}

const DEFAULTS: AnthropicFakeOptions = {
  content: 'Hello from the fake Claude.',
  chunkCount: 4,
  chunkDelayMs: 0,
  usage: { input_tokens: 21, output_tokens: 9, cache_read_input_tokens: 5, cache_creation_input_tokens: 2 },
  models: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
};

export const FAKE_WEATHER_INPUT = { location: 'Paris, France', unit: 'celsius', days: [1, 2, 3], note: 'quote " and \\ and é' } as const;
/** What `POST /v1/messages/count_tokens` answers, whatever the body. */
export const FAKE_COUNTED_TOKENS = 4242;
export const FAKE_TIME_INPUT = { timezone: 'Europe/Paris' } as const;

export async function startFakeAnthropicUpstream(options: Partial<AnthropicFakeOptions> = {}): Promise<FakeAnthropicUpstream> {
  const opts: AnthropicFakeOptions = { ...DEFAULTS, ...options };
  const requests: AnthropicRecordedRequest[] = [];
  let counter = 0;
  const blocks = (mode: AnthropicFakeMode, body?: Record<string, unknown>): FakeBlock[] => answerBlocks(mode, body, opts);

  const server = await startFakeServer(({ method, path, headers, body }, res) => {
    const mode = pickMode(ANTHROPIC_FAKE_MODES, headers['x-fake-mode'], body?.model);
    requests.push({ method, path, headers, body, mode });
    if (typeof headers['x-api-key'] !== 'string' || headers['anthropic-version'] !== '2023-06-01') {
      return sendError(res, 401, 'authentication_error', 'x-api-key and anthropic-version headers are required.');
    }
    if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        data: opts.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' })),
        has_more: false,
        first_id: opts.models[0] ?? null,
        last_id: opts.models.at(-1) ?? null,
      });
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens' && body) return sendJson(res, 200, { input_tokens: FAKE_COUNTED_TOKENS });
    if (method === 'POST' && path === '/v1/messages' && body) return void answerMessages(res, mode, body, `msg_fake_${++counter}`, blocks(mode, body), opts);
    sendError(res, 404, 'not_found_error', 'Unknown route.');
  });
  return {
    baseUrl: `${server.origin}/v1`,
    requests,
    options: opts,
    configure: (next) => Object.assign(opts, next),
    blocks,
    close: server.close,
  };
}

function answerBlocks(mode: AnthropicFakeMode, body: Record<string, unknown> | undefined, opts: AnthropicFakeOptions): FakeBlock[] {
  switch (mode) {
    case 'echo':
      return [{ type: 'text', text: lastUserMessageText(body?.messages) }];
    case 'tool-loop': {
      const result = lastToolResult(body?.messages);
      if (result !== undefined) return [{ type: 'text', text: `The weather: ${result}` }];
      return answerBlocks('tool-call', body, opts);
    }
    case 'tool-call':
      return [
        { type: 'text', text: 'Let me check the weather.' },
        { type: 'tool_use', id: 'toolu_fake_1', name: 'get_weather', input: { ...FAKE_WEATHER_INPUT } },
      ];
    case 'parallel-tools':
      return [
        { type: 'tool_use', id: 'toolu_fake_1', name: 'get_weather', input: { ...FAKE_WEATHER_INPUT } },
        { type: 'tool_use', id: 'toolu_fake_2', name: 'get_time', input: { ...FAKE_TIME_INPUT } },
      ];
    case 'thinking':
      return [
        { type: 'thinking', thinking: 'The user greets me; I greet back.', signature: 'sig_fake' },
        { type: 'text', text: opts.content },
      ];
    default:
      return [{ type: 'text', text: opts.content }];
  }
}

/** The content of a tool_result in the last user turn, if it has one. */
function lastToolResult(messages: unknown): string | undefined {
  const last = Array.isArray(messages) ? (messages.at(-1) as { role?: unknown; content?: unknown } | undefined) : undefined;
  if (last?.role !== 'user' || !Array.isArray(last.content)) return undefined;
  const result = last.content.find((b: { type?: unknown }) => b.type === 'tool_result') as { content?: unknown } | undefined;
  if (!result) return undefined;
  return typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
}

function stopReason(mode: AnthropicFakeMode, blocks: FakeBlock[]): string {
  if (mode === 'max-tokens') return 'max_tokens';
  return blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
}

/** Fails the request as Anthropic does for the failure modes; true when it did. */
function failBeforeAnswer(res: ServerResponse, mode: AnthropicFakeMode): boolean {
  switch (mode) {
    case 'fail-400':
      sendError(res, 400, 'invalid_request_error', 'max_tokens: Field required');
      return true;
    case 'fail-401':
      sendError(res, 401, 'authentication_error', 'invalid x-api-key');
      return true;
    case 'fail-429':
      res.setHeader('retry-after', '13');
      sendError(res, 429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.');
      return true;
    case 'fail-500':
      sendError(res, 500, 'api_error', 'Internal server error');
      return true;
    case 'fail-529':
      sendError(res, 529, 'overloaded_error', 'Overloaded');
      return true;
    default:
      return false;
  }
}

async function answerMessages(
  res: ServerResponse,
  mode: AnthropicFakeMode,
  body: Record<string, unknown>,
  id: string,
  blocks: FakeBlock[],
  opts: AnthropicFakeOptions,
): Promise<void> {
  if (failBeforeAnswer(res, mode)) return;
  const model = String(body.model);
  const usage = opts.usage;
  const stop = stopReason(mode, blocks);
  if (body.stream !== true) {
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content: blocks, stop_reason: stop, stop_sequence: null, usage });
    return;
  }
  startEventStream(res);
  const send = async (event: string, data: Record<string, unknown>) => {
    if (opts.chunkDelayMs > 0) await sleep(opts.chunkDelayMs);
    if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  await send('message_start', {
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
  });
  await send('ping', {});
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    if (block.type === 'text') {
      await send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      const parts = splitText(block.text, opts.chunkCount);
      for (let i = 0; i < parts.length; i++) {
        await send('content_block_delta', { index, delta: { type: 'text_delta', text: parts[i] } });
        if (mode === 'error-stream') {
          await send('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
          return void res.end();
        }
        if (mode === 'cut-stream' && i === 1) return void res.end();
      }
    } else if (block.type === 'thinking') {
      await send('content_block_start', { index, content_block: { type: 'thinking', thinking: '' } });
      for (const part of splitText(block.thinking, 3)) await send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: part } });
      await send('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } });
    } else {
      await send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      // Anthropic opens with an empty partial_json, then splits the JSON anywhere (inside strings and escapes).
      await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
      for (const part of splitText(JSON.stringify(block.input), 9))
        await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } });
    }
    await send('content_block_stop', { index });
  }
  await send('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  await send('message_stop', {});
  res.end();
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: 'error', error: { type, message } });
}
