import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP plumbing the fake upstreams share, so each fake file holds only its provider's wire format:
 * a loopback server that reads JSON bodies, mode picking, JSON/SSE answers and small timing helpers.
 */

/** One request as the fakes see it: the body is already read and parsed. */
export interface FakeServerRequest {
  readonly method: string;
  /** The request target with its query string. */
  readonly url: string;
  /** `url` without the query string. */
  readonly path: string;
  /** The query string without `?` ('' when none). */
  readonly query: string;
  readonly headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined when the request has none, as for GET). */
  readonly body: Record<string, unknown> | undefined;
}

export interface FakeServer {
  /** `http://127.0.0.1:<port>`, without a path. */
  readonly origin: string;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Keeps idle client connections open this long (the benchmark reuses them). */
  keepAliveTimeoutMs?: number;
}

/** Listens on an ephemeral loopback port and hands each request, its body read, to `handle`. */
export async function startFakeServer(handle: (request: FakeServerRequest, res: ServerResponse) => void, options: FakeServerOptions = {}): Promise<FakeServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const url = req.url ?? '/';
      const [path = '/', query = ''] = url.split('?');
      handle({ method: req.method ?? '', url, path, query, headers: req.headers, body }, res);
    });
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  return listenOnLoopback(server);
}

/** Listens on an ephemeral 127.0.0.1 port (shared with the router harness, which has its own handler). */
export async function listenOnLoopback(server: Server): Promise<FakeServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Streams left hanging by 'hang'-like modes would otherwise keep close() waiting.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What every fake records of a request; each fake adds its own mode type and fields. */
export interface FakeRecordedRequestBase {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined for GET). */
  readonly body: Record<string, unknown> | undefined;
}

/** The connection state a recorded request exposes, for tests of client aborts. */
export interface ConnectionState {
  /** True once the client closed the connection before the response had ended. */
  clientAborted: boolean;
  /** True once the response ended (normally or not). */
  closed: boolean;
}

/** Keeps `state` up to date as `res` closes. */
export function trackConnection(res: ServerResponse, state: ConnectionState): void {
  res.on('close', () => {
    if (!res.writableFinished) state.clientAborted = true;
    state.closed = true;
  });
}

/** Resolves once `predicate` holds for some request in `requests` (polls, as state changes after the fact; rejects after `timeoutMs`). */
export function waitForRequest<R>(requests: readonly R[], predicate: (r: R) => boolean, timeoutMs = 5_000): Promise<R> {
  return pollUntil(() => requests.find(predicate), timeoutMs, 'fake upstream: awaited request state not reached');
}

/** Resolves with `probe()`'s first defined value, polling every 10 ms; rejects with `failure` after `timeoutMs`. */
export async function pollUntil<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, failure: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(failure);
    await sleep(10);
  }
}

/**
 * The mode named by the `x-fake-mode` header, else by the model name (RouKey forwards no client headers);
 * `modes[0]` ('ok') when neither names one.
 */
export function pickMode<M extends string>(modes: readonly M[], header: string | string[] | undefined, model: unknown): M {
  const candidate = typeof header === 'string' ? header : model;
  return (modes as readonly unknown[]).includes(candidate) ? (candidate as M) : modes[0]!;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a 200 server-sent-events answer; the fakes then write their own event framing. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

/** `text` in up to `n` consecutive pieces (at least one character each where possible; [''] for ''). */
export function splitText(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length || 1));
  const size = Math.ceil(text.length / count);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts.length > 0 ? parts : [''];
}

/** The text of the last `user` message, in the shape OpenAI and Anthropic share (string, or parts with `text`). */
export function lastUserMessageText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const last = [...messages].reverse().find((m) => (m as { role?: unknown }).role === 'user') as { content?: unknown } | undefined;
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content)) return last.content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A fake embedding for a text: deterministic, so a test can tell which text each vector came from. */
export function fakeVector(text: string, dimensions = 8): number[] {
  return Array.from({ length: dimensions }, (_, i) => (text.length + i) / 64);
}
