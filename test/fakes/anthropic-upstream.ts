import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scriptable Anthropic Messages API on 127.0.0.1 for tests, speaking the documented wire format (JSON
 * messages, SSE events, error bodies). The mode is picked by the `x-fake-mode` header or by the requested
 * model name: through RouKey, `claude/fail-529` reaches it as model `fail-529`.
 */
export const ANTHROPIC_FAKE_MODES = [
  'ok',
  'echo', // answers with the last user turn's text
  'tool-call', // a text block, then one tool_use whose JSON input is split over many deltas
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

export interface AnthropicRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown> | undefined;
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
export const FAKE_TIME_INPUT = { timezone: 'Europe/Paris' } as const;

export async function startFakeAnthropicUpstream(options: Partial<AnthropicFakeOptions> = {}): Promise<FakeAnthropicUpstream> {
  const opts: AnthropicFakeOptions = { ...DEFAULTS, ...options };
  const requests: AnthropicRecordedRequest[] = [];
  let counter = 0;
  const blocks = (mode: AnthropicFakeMode, body?: Record<string, unknown>): FakeBlock[] => answerBlocks(mode, body, opts);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const path = (req.url ?? '/').split('?')[0]!;
      const mode = pickMode(req.headers['x-fake-mode'], body?.model);
      requests.push({ method: req.method ?? '', path, headers: req.headers, body, mode });
      if (typeof req.headers['x-api-key'] !== 'string' || req.headers['anthropic-version'] !== '2023-06-01') {
        return sendError(res, 401, 'authentication_error', 'x-api-key and anthropic-version headers are required.');
      }
      if (req.method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, {
          data: opts.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' })),
          has_more: false,
          first_id: opts.models[0] ?? null,
          last_id: opts.models.at(-1) ?? null,
        });
      }
      if (req.method === 'POST' && path === '/v1/messages' && body) return void answerMessages(res, mode, body, `msg_fake_${++counter}`, blocks(mode, body), opts);
      sendError(res, 404, 'not_found_error', 'Unknown route.');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    options: opts,
    configure: (next) => Object.assign(opts, next),
    blocks,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pickMode(header: string | string[] | undefined, model: unknown): AnthropicFakeMode {
  const candidate = typeof header === 'string' ? header : model;
  return (ANTHROPIC_FAKE_MODES as readonly unknown[]).includes(candidate) ? (candidate as AnthropicFakeMode) : 'ok';
}

function answerBlocks(mode: AnthropicFakeMode, body: Record<string, unknown> | undefined, opts: AnthropicFakeOptions): FakeBlock[] {
  switch (mode) {
    case 'echo':
      return [{ type: 'text', text: lastUserText(body?.messages) }];
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

async function answerMessages(res: ServerResponse, mode: AnthropicFakeMode, body: Record<string, unknown>, id: string, blocks: FakeBlock[], opts: AnthropicFakeOptions): Promise<void> {
  if (failBeforeAnswer(res, mode)) return;
  const model = String(body.model);
  const usage = opts.usage;
  const stop = stopReason(mode, blocks);
  if (body.stream !== true) {
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content: blocks, stop_reason: stop, stop_sequence: null, usage });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
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
      const parts = split(block.text, opts.chunkCount);
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
      for (const part of split(block.thinking, 3)) await send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: part } });
      await send('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } });
    } else {
      await send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      // Anthropic opens with an empty partial_json, then splits the JSON anywhere (inside strings and escapes).
      await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
      for (const part of split(JSON.stringify(block.input), 9)) await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } });
    }
    await send('content_block_stop', { index });
  }
  await send('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  await send('message_stop', {});
  res.end();
}

/** `text` in up to `n` consecutive pieces. */
function split(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length || 1));
  const size = Math.ceil(text.length / count);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts.length > 0 ? parts : [''];
}

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const last = [...messages].reverse().find((m) => (m as { role?: unknown }).role === 'user') as { content?: unknown } | undefined;
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content)) return last.content.map((b: { text?: unknown }) => (typeof b.text === 'string' ? b.text : '')).join('');
  return '';
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: 'error', error: { type, message } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
