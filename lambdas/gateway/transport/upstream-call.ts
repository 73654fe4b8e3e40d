import { ADDRESS_REFUSED } from '../../keys/base-url-guard.js';
import { UpstreamError, type ProviderAdapter, type UpstreamHttpRequest, type UpstreamResponse } from '../../providers/types.js';
import { ClientDisconnectedError } from '../client-errors.js';
import { AbortSwitch, type AbortHook } from './abort-switch.js';
import { sendUpstream } from './upstream-http.js';

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
export class UpstreamCall {
  private readonly abortHook = new AbortSwitch();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;

  constructor(
    private readonly clientSignal: AbortHook,
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
    if (response.status < 200 || response.status >= 300)
      throw new UpstreamError(await adapter.readFailure(response).catch(() => ({ kind: 'http', status: response.status }) as const));
    return response;
  }

  /** The first byte has reached us: from here the stream may take as long as it needs. */
  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the call, once its response is finished or abandoned. */
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
