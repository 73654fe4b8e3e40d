import { UpstreamError, type ProviderAdapter, type UpstreamHttpRequest, type UpstreamResponse } from '../providers/types.js';
import { ADDRESS_REFUSED } from '../keys/base-url-guard.js';
import { sendUpstream, type AbortHook } from './upstream-http.js';

/** The client went away: nothing more can be sent, and the upstream request has been aborted. */
export class ClientDisconnectedError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientDisconnectedError';
  }
}

/** The base URL's host resolved, at connect time, to an address upstream calls may not reach (DNS rebinding). */
export class AddressRefusedError extends Error {
  constructor() {
    super('upstream address refused');
    this.name = 'AddressRefusedError';
  }
}

/**
 * One upstream call: aborted when the client disconnects, and bounded by a first-byte
 * timeout that the caller disarms once the first token (or the whole non-streamed answer) has arrived.
 */
export class UpstreamAttempt {
  private readonly abortHook = new AttemptAbort();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;

  constructor(
    private readonly clientSignal: AbortSignal,
    timeoutMs: number,
  ) {
    if (clientSignal.aborted) this.abortHook.abort();
    else clientSignal.addEventListener('abort', this.abort, { once: true });
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.abortHook.abort();
    }, timeoutMs);
  }

  /** Sends the request; a non-2xx answer is read by the adapter and thrown as an UpstreamError. */
  async send(request: UpstreamHttpRequest, adapter: ProviderAdapter): Promise<UpstreamResponse> {
    let response: UpstreamResponse;
    try {
      response = await (adapter.send ? adapter.send(request, this.abortHook.asAbortSignal()) : sendUpstream(request, this.abortHook));
    } catch (err) {
      throw this.classify(err);
    }
    if (response.status < 200 || response.status >= 300) throw new UpstreamError(await adapter.readFailure(response).catch(() => ({ kind: 'http', status: response.status }) as const));
    return response;
  }

  /** The first byte has reached us: from here the stream may take as long as it needs. */
  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the attempt; call once the response is finished or abandoned. */
  close(): void {
    this.disarm();
    this.clientSignal.removeEventListener('abort', this.abort);
  }

  /** Any error met while calling or reading upstream, as what really happened. */
  classify(err: unknown): Error {
    if (this.clientSignal.aborted) return new ClientDisconnectedError();
    if (this.timedOut) return new UpstreamError({ kind: 'timeout' });
    if (err instanceof UpstreamError || err instanceof AddressRefusedError) return err;
    if ((err as { code?: unknown } | undefined)?.code === ADDRESS_REFUSED) return new AddressRefusedError();
    return new UpstreamError({ kind: 'network' });
  }

  readonly abort = (): void => {
    this.abortHook.abort();
  };
}

/**
 * An attempt's abort signal, without an AbortController: one costs 3–6 µs to make in Node 20 (its signal is an
 * EventTarget), once per upstream call on the hot path. Adapters whose SDK takes a real AbortSignal (Bedrock)
 * get one made on demand.
 */
class AttemptAbort implements AbortHook {
  aborted = false;
  private listeners: (() => void)[] = [];
  private controller: AbortController | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
  }

  /** Runs each listener once, as `{ once: true }` would. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
    this.controller?.abort();
  }

  asAbortSignal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted) this.controller.abort();
    return this.controller.signal;
  }
}
