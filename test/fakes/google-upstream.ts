import type { ServerResponse } from 'node:http';
import { fakeVector, pickMode, sendJson, splitText, startEventStream, startFakeServer, type FakeRecordedRequestBase } from './fake-server.js';

// Re-exported where the fixture tests have always imported it from.
export { fixedResponse } from '../support/fixed-response.js';

/**
 * A scriptable Gemini API (v1beta generateContent / streamGenerateContent?alt=sse / models) on 127.0.0.1 for
 * tests. Its answers follow Google's documented wire format. A mode is chosen by the requested model name, as
 * RouKey forwards no client headers: `gemini/fail-429` reaches it as `models/fail-429:generateContent`.
 */
export const GOOGLE_FAKE_MODES = [
  'ok',
  'echo', // answers with the last user turn's text
  'tool-call', // one functionCall (with a thought signature)
  'parallel-tools', // two functionCalls in one turn
  'thinking', // a thought part before the answer
  'safety', // finishReason SAFETY
  'fail-400', // INVALID_ARGUMENT
  'fail-key', // 400 INVALID_ARGUMENT with reason API_KEY_INVALID
  'fail-403', // PERMISSION_DENIED
  'fail-404', // NOT_FOUND
  'fail-429', // RESOURCE_EXHAUSTED with Retry-After and RetryInfo
  'fail-500', // INTERNAL
  'fail-503', // UNAVAILABLE
  'cut-stream', // two events, then ends without finishReason
  'error-stream', // one event, then an error event
] as const;
export type GoogleFakeMode = (typeof GOOGLE_FAKE_MODES)[number];

export interface GoogleFakeOptions {
  content: string;
  chunkCount: number;
  usage: { prompt: number; candidates: number; thoughts: number; cached: number };
  /** Names listed by GET /models (with `models/` prefix); embedding models are listed too, to be filtered out. */
  models: Array<{ name: string; methods: string[] }>;
}

export interface GoogleRecordedRequest extends FakeRecordedRequestBase {
  /** Path without the query string, e.g. `/v1beta/models/ok:generateContent`. */
  readonly path: string;
  readonly query: string;
  readonly mode: GoogleFakeMode;
}

export interface FakeGoogleUpstream {
  /** Base URL including `/v1beta`, as a provider key's baseUrl. */
  readonly baseUrl: string;
  readonly requests: GoogleRecordedRequest[];
  readonly options: GoogleFakeOptions;
  configure(options: Partial<GoogleFakeOptions>): void;
  close(): Promise<void>;
}

const DEFAULTS: GoogleFakeOptions = {
  content: 'Hello from the fake Gemini.',
  chunkCount: 3,
  usage: { prompt: 12, candidates: 8, thoughts: 0, cached: 4 },
  models: [
    { name: 'models/gemini-2.5-flash', methods: ['generateContent', 'countTokens'] },
    { name: 'models/gemini-2.5-pro', methods: ['generateContent'] },
    { name: 'models/text-embedding-004', methods: ['embedContent'] },
  ],
};

/** The function calls the tool modes answer with; tests compare tool call arguments against these. */
export const FAKE_FUNCTION_CALLS = [
  { name: 'get_weather', args: { location: 'Paris, France', unit: 'celsius', days: [1, 2] } },
  { name: 'get_time', args: { timezone: 'Europe/Paris' } },
] as const;
export const FAKE_THOUGHT_SIGNATURE = 'c2lnbmF0dXJlLW9mLXRoZS1mYWtl';
export const FAKE_THOUGHT = 'Thinking about the answer.';
const MODEL_VERSION = 'gemini-fake-001';

const CALL = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;

export async function startFakeGoogleUpstream(options: Partial<GoogleFakeOptions> = {}): Promise<FakeGoogleUpstream> {
  const opts: GoogleFakeOptions = { ...DEFAULTS, ...options };
  const requests: GoogleRecordedRequest[] = [];
  let counter = 0;

  const server = await startFakeServer(({ method, path, query, headers, body }, res) => {
    const call = CALL.exec(path);
    // RouKey forwards no client headers, so only the model name in the path picks the mode.
    const mode = pickMode(GOOGLE_FAKE_MODES, undefined, call ? decodeURIComponent(call[1]!) : undefined);
    requests.push({ method, path, query, headers, body, mode });
    if (method === 'GET' && path === '/v1beta/models') return void answerModels(res, opts);
    if (method !== 'POST' || !call || !body) return void sendError(res, 404, 'NOT_FOUND', 'Unknown route.');
    if (failBeforeAnswer(res, mode)) return;
    const id = `fake-response-${++counter}`;
    if (call[2] === 'embedContent' || call[2] === 'batchEmbedContents') return void sendJson(res, 200, embeddings(body));
    if (call[2] === 'generateContent') return void sendJson(res, 200, whole(mode, body, id, opts));
    if (!/(^|&)alt=sse(&|$)/.test(query)) return void sendError(res, 400, 'INVALID_ARGUMENT', 'Only alt=sse streams are faked.');
    streamed(res, mode, body, id, opts);
  });
  return {
    baseUrl: `${server.origin}/v1beta`,
    requests,
    options: opts,
    configure: (next) => Object.assign(opts, next),
    close: server.close,
  };
}

/** Gemini's embedContent answer (`embedding`) or batchEmbedContents' (`embeddings`), one fake vector per text. */
function embeddings(body: Record<string, unknown>): Record<string, unknown> {
  type One = { content: { parts: Array<{ text: string }> }; outputDimensionality?: number };
  const vector = (r: One) => ({ values: fakeVector(r.content.parts.map((p) => p.text).join(''), r.outputDimensionality) });
  return Array.isArray(body.requests) ? { embeddings: (body.requests as One[]).map(vector) } : { embedding: vector(body as unknown as One) };
}

function answerModels(res: ServerResponse, opts: GoogleFakeOptions): void {
  sendJson(res, 200, {
    models: opts.models.map((m) => ({ name: m.name, version: '001', displayName: m.name, supportedGenerationMethods: m.methods })),
  });
}

function failBeforeAnswer(res: ServerResponse, mode: GoogleFakeMode): boolean {
  switch (mode) {
    case 'fail-400':
      sendError(res, 400, 'INVALID_ARGUMENT', 'Invalid value at generation_config.temperature.');
      return true;
    case 'fail-key':
      sendError(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
      ]);
      return true;
    case 'fail-403':
      sendError(res, 403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers.");
      return true;
    case 'fail-404':
      sendError(res, 404, 'NOT_FOUND', 'models/fail-404 is not found for API version v1beta.');
      return true;
    case 'fail-429':
      res.setHeader('retry-after', '9');
      sendError(res, 429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '9s' },
      ]);
      return true;
    case 'fail-500':
      sendError(res, 500, 'INTERNAL', 'An internal error has occurred.');
      return true;
    case 'fail-503':
      sendError(res, 503, 'UNAVAILABLE', 'The model is overloaded.');
      return true;
    default:
      return false;
  }
}

/** The parts of the whole answer, in order, for a mode. */
function answerParts(mode: GoogleFakeMode, body: Record<string, unknown>, opts: GoogleFakeOptions): Array<Record<string, unknown>> {
  if (mode === 'tool-call') return [{ functionCall: FAKE_FUNCTION_CALLS[0], thoughtSignature: FAKE_THOUGHT_SIGNATURE }];
  if (mode === 'parallel-tools')
    return [{ functionCall: FAKE_FUNCTION_CALLS[0], thoughtSignature: FAKE_THOUGHT_SIGNATURE }, { functionCall: FAKE_FUNCTION_CALLS[1] }];
  const text = mode === 'echo' ? lastUserText(body.contents) : opts.content;
  return [...(mode === 'thinking' ? [{ text: FAKE_THOUGHT, thought: true }] : []), { text }];
}

function finishReason(mode: GoogleFakeMode): string {
  return mode === 'safety' ? 'SAFETY' : 'STOP';
}

function usageMetadata(opts: GoogleFakeOptions, mode: GoogleFakeMode, candidates = opts.usage.candidates) {
  const thoughts = mode === 'thinking' ? opts.usage.thoughts || 5 : 0;
  return {
    promptTokenCount: opts.usage.prompt,
    candidatesTokenCount: candidates,
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
    cachedContentTokenCount: opts.usage.cached,
    totalTokenCount: opts.usage.prompt + candidates + thoughts,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: opts.usage.prompt }],
  };
}

function whole(mode: GoogleFakeMode, body: Record<string, unknown>, id: string, opts: GoogleFakeOptions) {
  return {
    candidates: [{ content: { parts: answerParts(mode, body, opts), role: 'model' }, finishReason: finishReason(mode), index: 0 }],
    usageMetadata: usageMetadata(opts, mode),
    modelVersion: MODEL_VERSION,
    responseId: id,
  };
}

/** Gemini streams text in pieces and each function call whole; the last event carries finishReason and full usage. */
function streamed(res: ServerResponse, mode: GoogleFakeMode, body: Record<string, unknown>, id: string, opts: GoogleFakeOptions): void {
  const pieces: Array<Record<string, unknown>> = answerParts(mode, body, opts).flatMap((part) =>
    typeof part.text === 'string' && part.thought !== true ? splitText(part.text, opts.chunkCount).map((text) => ({ text })) : [part],
  );
  startEventStream(res);
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\r\n\r\n`);
  pieces.forEach((part, i) => {
    const last = i === pieces.length - 1;
    if (mode === 'cut-stream' && i >= 2) return;
    if (mode === 'error-stream' && i >= 1) return;
    send({
      candidates: [{ content: { parts: [part], role: 'model' }, ...(last ? { finishReason: finishReason(mode) } : {}), index: 0 }],
      usageMetadata: usageMetadata(opts, mode, last ? opts.usage.candidates : i + 1),
      modelVersion: MODEL_VERSION,
      responseId: id,
    });
  });
  if (mode === 'error-stream') send({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
  res.end();
}

function lastUserText(contents: unknown): string {
  if (!Array.isArray(contents)) return '';
  const last = [...contents].reverse().find((c) => (c as { role?: unknown }).role === 'user') as { parts?: Array<{ text?: unknown }> } | undefined;
  return (last?.parts ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
}

function sendError(res: ServerResponse, code: number, status: string, message: string, details?: unknown[]): void {
  sendJson(res, code, { error: { code, message, status, ...(details ? { details } : {}) } });
}
