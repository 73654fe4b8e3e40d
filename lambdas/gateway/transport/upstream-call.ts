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

/** One upstream call's limits. */
export interface CallLimits {
  /** Until the answer has started: its whole body when not streamed, its first token when streamed. */
  readonly startMs: number;
  /** Once a stream has started, the longest wait for its next chunk. */
  readonly idleMs: number;
  /** When the request's time is up (epoch ms), whatever the call is doing. */
  readonly deadline: number;
  /** The largest non-streamed body read (the transport's; an adapter with its own `send` bounds its own). */
  readonly answerBytes: number;
}

/** Which limit cut the call. */
type Expiry = 'start' | 'idle' | 'duration';

/**
 * One upstream call: aborted when the client disconnects, and bounded in time by one timer. Until the whole answer
 * or a stream's first token, the timer is the start limit; from a stream's first token on it is the idle timeout,
 * counted only while the reader waits for the upstream (a slow client pauses the upstream, which is not the
 * upstream's fault); the request's deadline holds throughout. Chunks arrive per token, so they only stamp a time:
 * the timer, when it fires, reads the stamp and re-arms itself for what remains.
 */
export class UpstreamCall {
  private readonly abortHook = new AbortSwitch();
  private timer: NodeJS.Timeout | undefined;
  private streaming = false;
  /** When the reader began waiting for the stream's next chunk; 0 while it is not waiting. */
  private waitingSince = 0;
  private expired: Expiry | undefined;

  constructor(
    private readonly clientSignal: AbortHook,
    private readonly limits: CallLimits,
  ) {
    if (clientSignal.aborted) this.abortHook.abort();
    else clientSignal.addEventListener('abort', this.abort, { once: true });
    const now = Date.now();
    this.arm(Math.min(now + limits.startMs, limits.deadline), now);
  }

  /** Sends the request; a non-2xx answer is read by the adapter and thrown as an UpstreamError. */
  async send(request: UpstreamHttpRequest, adapter: ProviderAdapter): Promise<UpstreamResponse> {
    let response: UpstreamResponse;
    try {
      response = await (adapter.send ? adapter.send(request, this.abortHook.asAbortSignal()) : sendUpstream(request, this.abortHook, this.limits.answerBytes));
    } catch (err) {
      throw this.classify(err);
    }
    if (response.status < 200 || response.status >= 300)
      throw new UpstreamError(await adapter.readFailure(response).catch(() => ({ kind: 'http', status: response.status }) as const));
    return response;
  }

  /** The whole (non-streamed) answer has been read: nothing is left to time. */
  answerRead(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The stream's first token has arrived: from now on the idle timeout applies. */
  streamStarted(): void {
    this.streaming = true;
    clearTimeout(this.timer);
    const now = Date.now();
    this.arm(Math.min(now + this.limits.idleMs, this.limits.deadline), now);
  }

  /** The reader starts waiting for the stream's next chunk. */
  awaitingChunk(): void {
    this.waitingSince = Date.now();
  }

  /** The stream's next chunk (or its end) has arrived. */
  chunkArrived(): void {
    this.waitingSince = 0;
  }

  /** Ends the call, once its response is finished or abandoned. */
  close(): void {
    this.answerRead();
    this.clientSignal.removeEventListener('abort', this.abort);
  }

  /** Any error met while calling or reading upstream, as what really happened. */
  classify(err: unknown): Error {
    if (this.clientSignal.aborted) return new ClientDisconnectedError();
    if (this.expired === 'start') return new UpstreamError({ kind: 'timeout' });
    if (this.expired) return new UpstreamError({ kind: 'timeout', limit: this.expired });
    if (err instanceof UpstreamError || err instanceof AddressRefusedError) return err;
    if ((err as { code?: unknown } | undefined)?.code === ADDRESS_REFUSED) return new AddressRefusedError();
    return new UpstreamError({ kind: 'network' });
  }

  readonly abort = (): void => {
    this.abortHook.abort();
  };

  private arm(at: number, now: number): void {
    this.timer = setTimeout(this.onTimer, Math.max(0, at - now));
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const now = Date.now();
    const since = this.waitingSince;
    if (now >= this.limits.deadline) this.expire('duration');
    else if (!this.streaming) this.expire('start');
    else if (since !== 0 && now - since >= this.limits.idleMs) this.expire('idle');
    // Not waiting, or not for long: check again when the current wait would reach the idle timeout.
    else this.arm(Math.min((since || now) + this.limits.idleMs, this.limits.deadline), now);
  };

  private expire(why: Expiry): void {
    this.expired = why;
    this.abortHook.abort();
  }
}
