import type { ServerResponse } from 'node:http';
import {
  fakeVector,
  lastUserMessageText,
  pickMode,
  sendJson,
  sleep,
  splitText,
  startEventStream,
  startFakeServer,
  trackConnection,
  waitForRequest,
  type ConnectionState,
  type FakeRecordedRequestBase,
} from './fake-server.js';
import { answerResponses } from './openai-responses.js';

/**
 * A scriptable OpenAI-compatible upstream on 127.0.0.1 for tests and the benchmark. Its answers are valid
 * OpenAI shapes. A failure mode is chosen per request by the `x-fake-mode` header or, through RouKey (which
 * forwards no client headers), by the requested model name: `<provider-key>/fail-429` reaches it as `fail-429`.
 */
export const FAKE_MODES = [
  'ok',
  'echo', // answers with the last user message's text
  'tool-call', // a tool call whose arguments are split over chunks
  'tool-loop', // a tool call, or once the last message is the tool's result, `The weather: <result>`
  'fail-400',
  'fail-401',
  'fail-403',
  'fail-429', // with Retry-After
  'fail-500',
  'fail-503',
  'reset', // socket destroyed before any answer
  'hang', // never answers
  'cut-stream', // streams two chunks, then ends cleanly without finish_reason or [DONE]
  'reset-stream', // streams two chunks, then destroys the socket
  'error-stream', // streams one chunk, then an SSE error event
  'slow-stream', // like ok, with `slowDelayMs` between chunks
  'no-usage', // like echo, but never reports usage (as some OpenAI-compatible servers do)
  'slow-first-chunk', // like ok, but waits `slowDelayMs` before the first chunk (streamed: after the 200 status) or the answer
  'slow-first-token', // streamed: the role-only chunk at once, then `slowDelayMs` before the first token
  'flaky-500', // fails with 500 on the 1st, 3rd, 5th… request of this mode, answers like ok in between
] as const;
export type FakeMode = (typeof FAKE_MODES)[number];

export interface FakeUpstreamOptions {
  /** The answer's text (split over `chunkCount` chunks when streamed). */
  content: string;
  chunkCount: number;
  /** Delay between streamed chunks. */
  chunkDelayMs: number;
  /** Awaited before each streamed content chunk (by index), so a test can pace the stream by events. */
  beforeChunk: ((index: number) => Promise<void>) | undefined;
  slowDelayMs: number;
  usage: { prompt_tokens: number; completion_tokens: number; cached_tokens: number };
  /** Ids listed by GET /v1/models. */
  models: string[];
  /** Mode for GET /v1/models (e.g. 'fail-500', 'hang'). */
  modelsMode: FakeMode;
  /** Keep every request for `requests` and `waitFor`; the benchmark turns it off, as memory that only grows slows the garbage collector for everyone in the process. */
  recordRequests: boolean;
}

export interface RecordedRequest extends FakeRecordedRequestBase, ConnectionState {
  /** The request target with its query string (Azure's api-version travels there). */
  readonly url: string;
  readonly mode: FakeMode;
}

export interface FakeOpenAIUpstream {
  /** Base URL including `/v1`, as a provider key's baseUrl. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  readonly options: FakeUpstreamOptions;
  configure(options: Partial<FakeUpstreamOptions>): void;
  /** Resolves once `predicate` holds for some recorded request (polls; rejects after `timeoutMs`). */
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const DEFAULTS: FakeUpstreamOptions = {
  content: 'Hello from the fake upstream.',
  chunkCount: 4,
  chunkDelayMs: 0,
  beforeChunk: undefined,
  slowDelayMs: 200,
  usage: { prompt_tokens: 11, completion_tokens: 7, cached_tokens: 3 },
  models: ['gpt-4o-mini', 'gpt-4o'],
  modelsMode: 'ok',
  recordRequests: true,
};

const CREATED = 1_700_000_000;

export async function startFakeOpenAIUpstream(options: Partial<FakeUpstreamOptions> = {}): Promise<FakeOpenAIUpstream> {
  const opts: FakeUpstreamOptions = { ...DEFAULTS, ...options };
  const requests: RecordedRequest[] = [];
  let counter = 0;
  let flakyCount = 0;

  const server = await startFakeServer(
    ({ method, url, path, headers, body }, res) => {
      const isModels = method === 'GET' && path === '/v1/models';
      const mode = pickMode(FAKE_MODES, headers['x-fake-mode'], isModels ? opts.modelsMode : body?.model);
      const record: RecordedRequest = { method, path, url, headers, body, mode, clientAborted: false, closed: false };
      if (opts.recordRequests) requests.push(record);
      trackConnection(res, record);
      const id = `chatcmpl-fake-${++counter}`;
      if (isModels) return void answerModels(res, mode, opts);
      if (method === 'POST' && isResponsesPath(path) && body) {
        if (failBeforeAnswer(res, mode)) return;
        return answerResponses(res, mode, body, opts.content, String(counter));
      }
      if (method === 'POST' && path === '/v1/embeddings' && body) {
        if (failBeforeAnswer(res, mode)) return;
        return answerEmbeddings(res, body);
      }
      if (method === 'POST' && isChatPath(path) && body) {
        const flakyFails = mode === 'flaky-500' && ++flakyCount % 2 === 1;
        return void answerChat(res, flakyFails ? 'fail-500' : mode, body, id, opts);
      }
      sendJson(res, 404, errorBody('Unknown route.', 'invalid_request_error', 'not_found'));
    },
    { keepAliveTimeoutMs: 30_000 },
  );

  return {
    baseUrl: `${server.origin}/v1`,
    requests,
    options: opts,
    configure: (next) => Object.assign(opts, next),
    waitFor: (predicate, timeoutMs) => waitForRequest(requests, predicate, timeoutMs),
    close: server.close,
  };
}

/** OpenAI's Responses route, or Azure's v1 one. */
function isResponsesPath(path: string): boolean {
  return path === '/v1/responses' || path === '/openai/v1/responses';
}

/** OpenAI's route, or Azure's deployment route (`/openai/deployments/<deployment>/chat/completions`). */
function isChatPath(path: string): boolean {
  return path === '/v1/chat/completions' || /^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(path);
}

function answerModels(res: ServerResponse, mode: FakeMode, opts: FakeUpstreamOptions): void {
  if (failBeforeAnswer(res, mode)) return;
  sendJson(res, 200, { object: 'list', data: opts.models.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'fake-org' })) });
}

/** The error modes that answer (or not) before any completion; true when one of them handled the request. */
function failBeforeAnswer(res: ServerResponse, mode: FakeMode): boolean {
  switch (mode) {
    case 'fail-400':
      sendJson(res, 400, errorBody("Invalid value for 'temperature': must be at most 2.", 'invalid_request_error', 'invalid_value', 'temperature'));
      return true;
    case 'fail-401':
      sendJson(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
      return true;
    case 'fail-403':
      sendJson(res, 403, errorBody('Project does not have access.', 'invalid_request_error', 'forbidden'));
      return true;
    case 'fail-429':
      res.setHeader('retry-after', '7');
      sendJson(res, 429, errorBody('Rate limit reached.', 'requests', 'rate_limit_exceeded'));
      return true;
    case 'fail-500':
      sendJson(res, 500, errorBody('The server had an error.', 'server_error', null));
      return true;
    case 'fail-503':
      sendJson(res, 503, errorBody('The engine is overloaded.', 'server_error', null));
      return true;
    case 'reset':
      res.socket?.destroy();
      return true;
    case 'hang':
      return true;
    default:
      return false;
  }
}

async function answerChat(res: ServerResponse, mode: FakeMode, body: Record<string, unknown>, id: string, opts: FakeUpstreamOptions): Promise<void> {
  if (failBeforeAnswer(res, mode)) return;
  const model = String(body.model);
  const text = mode === 'echo' || mode === 'no-usage' ? lastUserMessageText(body.messages) : opts.content;
  const reportsUsage = mode !== 'no-usage';
  const usage = {
    prompt_tokens: opts.usage.prompt_tokens,
    completion_tokens: opts.usage.completion_tokens,
    total_tokens: opts.usage.prompt_tokens + opts.usage.completion_tokens,
    prompt_tokens_details: { cached_tokens: opts.usage.cached_tokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const toolResult = mode === 'tool-loop' ? lastToolMessage(body.messages) : undefined;
  const toolCall = mode === 'tool-call' || (mode === 'tool-loop' && toolResult === undefined);
  const content = toolResult === undefined ? text : `The weather: ${toolResult}`;
  const firstChunkDelay = mode === 'slow-first-chunk' ? opts.slowDelayMs : 0;
  if (body.stream !== true) {
    if (firstChunkDelay > 0) {
      res.flushHeaders(); // the 200 status goes out now; only the first chunk is late
      await sleep(firstChunkDelay);
    }
    const message = toolCall
      ? {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: 'call_fake_1', type: 'function', function: { name: 'get_weather', arguments: TOOL_ARGUMENTS } }],
          annotations: [],
        }
      : { role: 'assistant', content, refusal: null, annotations: [] };
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: toolCall ? 'tool_calls' : 'stop' }],
      ...(reportsUsage ? { usage } : {}),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    });
    return;
  }

  const includeUsage = reportsUsage && (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const deltas: Array<Record<string, unknown>> = toolCall ? toolCallDeltas() : splitText(content, opts.chunkCount).map((c) => ({ content: c }));
  const finish = toolCall ? 'tool_calls' : 'stop';
  const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const delay = mode === 'slow-stream' ? opts.slowDelayMs : opts.chunkDelayMs;
  startEventStream(res);
  const send = (data: unknown) => (res.destroyed ? false : res.write(`data: ${JSON.stringify(data)}\n\n`));
  if (firstChunkDelay > 0) {
    res.flushHeaders(); // the 200 status goes out now; only the first chunk is late
    await sleep(firstChunkDelay);
  }

  send(chunk({ role: 'assistant', content: '', refusal: null }, null));
  if (mode === 'slow-first-token') await sleep(opts.slowDelayMs);
  for (let i = 0; i < deltas.length; i++) {
    if (res.destroyed) return;
    if (delay > 0) await sleep(delay);
    await opts.beforeChunk?.(i);
    send(chunk(deltas[i]!, null));
    if (i === 1 && mode === 'cut-stream') return void res.end();
    if (i === 1 && mode === 'reset-stream') {
      // Let the chunks so far reach the client first, so the reset really is mid-stream.
      await sleep(30);
      return void res.socket?.destroy();
    }
    if (i === 0 && mode === 'error-stream') {
      send(errorBody('The server had an error while processing your request.', 'server_error', null));
      return void res.end();
    }
  }
  if (delay > 0) await sleep(delay);
  send(chunk({}, finish));
  if (includeUsage) send({ id, object: 'chat.completion.chunk', created: CREATED, model, system_fingerprint: 'fp_fake', choices: [], usage });
  if (!res.destroyed) res.end('data: [DONE]\n\n');
}

const TOOL_ARGUMENTS = '{"location":"Paris, France","unit":"celsius"}';

/** The content of the last message when it is a tool's result. */
function lastToolMessage(messages: unknown): string | undefined {
  const last = Array.isArray(messages) ? (messages.at(-1) as { role?: unknown; content?: unknown } | undefined) : undefined;
  return last?.role === 'tool' ? lastUserMessageText([{ role: 'user', content: last.content }]) : undefined;
}

/** OpenAI's embeddings list: one fake vector per input text (`dimensions` long), floats or base64 as asked. */
function answerEmbeddings(res: ServerResponse, body: Record<string, unknown>): void {
  const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
  const encode = (v: number[]) => (body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v);
  const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: encode(fakeVector(text, dimensions)) }));
  sendJson(res, 200, { object: 'list', data, model: String(body.model), usage: { prompt_tokens: 5 * inputs.length, total_tokens: 5 * inputs.length } });
}

function toolCallDeltas(): Array<Record<string, unknown>> {
  const parts = splitText(TOOL_ARGUMENTS, 4);
  return [
    { tool_calls: [{ index: 0, id: 'call_fake_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
    ...parts.map((arguments_) => ({ tool_calls: [{ index: 0, function: { arguments: arguments_ } }] })),
  ];
}

function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}
