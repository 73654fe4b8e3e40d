// undici's Agent alone, not its index: the index adds fetch, WebSocket and caching, which would take the router
// bundle past its size target. The path is internal to undici, so package.json pins undici's exact version and
// test/infra/undici-agent.test.ts fails, saying what to do, if the path moves.
import Agent from 'undici/lib/dispatcher/agent.js';
import type { Dispatcher } from 'undici';
import { connectTimeLookup } from '../../keys/base-url-guard.js';
import { UpstreamError, type UpstreamHttpRequest, type UpstreamResponse } from '../../providers/types.js';
import { DEFAULT_BOUNDS } from '../deps.js';
import type { AbortHook } from './abort-switch.js';

/**
 * The router's one way to call an upstream: undici's HTTP/1.1 client over keep-alive connections, through its
 * dispatch interface. It takes less of the gateway's CPU per request than Node's own http client (`npm run
 * bench:peer`), and the small handler below less than undici's `request`, whose body is a Node `Readable`;
 * global `fetch` adds WHATWG stream plumbing on top. No `accept-encoding` is sent, so bodies arrive as the bytes
 * the adapters parse. undici's own timeouts are off: UpstreamCall bounds each call in time. A body read whole
 * (`text()`) is bounded in size here; a streamed body is held only up to HIGH_WATER_BYTES at a time.
 */
let agent: Agent | undefined;
/** Strict until the router's container says otherwise: only the local runtime lets upstreams be on loopback. */
let allowLoopback = false;

/** Which addresses upstream connections may reach, checked at connect time (keys/base-url-guard.ts). */
export function allowLoopbackUpstreams(allow: boolean): void {
  if (allow === allowLoopback) return;
  allowLoopback = allow;
  // Connections already open were checked under the old rule: close them once their calls are done.
  void agent?.close().catch(() => undefined);
  agent = undefined;
}

function upstreamAgent(): Agent {
  return (agent ??= new Agent({ headersTimeout: 0, bodyTimeout: 0, connect: { lookup: connectTimeLookup({ allowLoopback }) } }));
}

/** Unread bytes at which a streamed body pauses its upstream, so a slow client slows the upstream down. */
const HIGH_WATER_BYTES = 64 * 1024;
/** How much of an unwanted body is read to its end to keep the connection; past this it is closed instead. */
const DISCARD_LIMIT_BYTES = 128 * 1024;

/** Sends one request; `maxBodyBytes` bounds a body read whole with `text()`. */
export function sendUpstream(upstream: UpstreamHttpRequest, signal: AbortHook, maxBodyBytes = DEFAULT_BOUNDS.answerBytes): Promise<UpstreamResponse> {
  const url = new URL(upstream.url);
  return new Promise((resolve, reject) => {
    const options = { origin: url.origin, path: url.pathname + url.search, method: upstream.method, headers: upstream.headers, body: upstream.body };
    upstreamAgent().dispatch(options, new UpstreamExchange(signal, maxBodyBytes, resolve, reject));
  });
}

/** A body read whole that would pass the limit: the upstream's fault, and nothing more of it is kept. */
function bodyTooLarge(maxBodyBytes: number): UpstreamError {
  return new UpstreamError({ kind: 'stream', message: `The upstream answer is larger than the gateway's limit of ${maxBodyBytes} bytes.` });
}

/** One call's dispatch handler, and the response it resolves with once the status and headers are in. */
class UpstreamExchange implements Dispatcher.DispatchHandler, UpstreamResponse {
  status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #controller: Dispatcher.DispatchController | undefined;
  #answered = false;
  /** Body bytes received and not yet read. */
  #chunks: Buffer[] = [];
  #unread = 0;
  #ended = false;
  #failure: Error | undefined;
  /** `text()` wants the whole body: never pause. */
  #collecting = false;
  #discarding = false;
  #discarded = 0;
  /** A reader waiting for data, the end or a failure. */
  #wake: (() => void) | undefined;

  constructor(
    private readonly signal: AbortHook,
    private readonly maxBodyBytes: number,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {
    signal.addEventListener('abort', this.#abort, { once: true });
  }

  readonly #abort = (): void => {
    this.#controller?.abort(new Error('aborted'));
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.signal.aborted) controller.abort(new Error('aborted'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // informational (1xx): the real answer follows
    this.status = statusCode;
    this.#headers = headers;
    this.#answered = true;
    this.resolve(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#discarding) {
      this.#discarded += chunk.length;
      if (this.#discarded > DISCARD_LIMIT_BYTES) controller.abort(new Error('discarded'));
      return;
    }
    this.#chunks.push(chunk);
    this.#unread += chunk.length;
    if (this.#collecting) this.#checkSize(this.#unread);
    else if (this.#unread >= HIGH_WATER_BYTES) controller.pause();
    this.#notify();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    // A body refused for its size has failed already; the abort that follows is only its consequence.
    this.#failure ??= err;
    this.#finish();
    if (!this.#answered) this.reject(err);
  }

  header(name: string): string | undefined {
    const value = this.#headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  async text(): Promise<string> {
    this.#collecting = true;
    // A declared length over the limit fails before the body is read.
    this.#checkSize(Math.max(this.#unread, Number(this.header('content-length')) || 0));
    this.#controller?.resume();
    for (;;) {
      if (this.#failure) throw this.#failure;
      if (this.#ended) break;
      await new Promise<void>((wake) => (this.#wake = wake));
    }
    const text = Buffer.concat(this.#chunks, this.#unread).toString('utf8');
    this.#chunks = [];
    return text;
  }

  readonly body: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        for (;;) {
          const chunk = this.#chunks.shift();
          if (chunk) {
            this.#unread -= chunk.length;
            if (this.#unread < HIGH_WATER_BYTES) this.#controller?.resume();
            return { done: false, value: chunk };
          }
          if (this.#failure) throw this.#failure;
          if (this.#ended) return { done: true, value: undefined };
          await new Promise<void>((wake) => (this.#wake = wake));
        }
      },
      // The reader left early: a body still arriving is closed, which aborts the upstream response.
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        if (!this.#ended && !this.#failure) this.#controller?.abort(new Error('abandoned'));
        this.#chunks = [];
        this.#notify();
        return { done: true, value: undefined };
      },
    }),
  };

  discard(): void {
    if (this.#ended || this.#failure) return;
    this.#discarding = true;
    this.#discarded = this.#unread;
    this.#chunks = [];
    this.#controller?.resume();
  }

  /** While the body is read whole: past the limit, drop what was read and close the connection. */
  #checkSize(size: number): void {
    if (size <= this.maxBodyBytes || this.#failure) return;
    this.#failure = bodyTooLarge(this.maxBodyBytes);
    this.#chunks = [];
    this.#controller?.abort(this.#failure);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #finish(): void {
    this.signal.removeEventListener('abort', this.#abort);
    this.#notify();
  }
}
