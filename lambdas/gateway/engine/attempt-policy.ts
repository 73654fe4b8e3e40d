import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_RELIABILITY, type FallbackOn, type RoutingConfig } from '../../routing/config-schema.js';
import type { UpstreamFailure } from '../../providers/types.js';
import type { GatewayTimeouts } from '../deps.js';

/** How hard the attempt loop tries: retries of one target, which failures move on, and each attempt's time limits. */
export interface AttemptPolicy {
  /** Extra tries of the same target after a retryable failure (never after a 429: that target is cooling down). */
  readonly retries: number;
  readonly fallbackOn: ReadonlySet<FallbackOn>;
  /** Pass over targets cooling down after a 429 or with an open circuit breaker (not when the client named the target). */
  readonly skipUnhealthy: boolean;
  /** A streamed attempt's limit until its first token. */
  readonly firstTokenTimeoutMs: number;
  /** A non-streamed attempt's limit until its whole answer. */
  readonly responseTimeoutMs: number;
  /** After a stream's first token, the longest wait for its next chunk. */
  readonly idleTimeoutMs: number;
  /** The pause before retry `n` (0-based) of the same target. */
  readonly backoffMs: (n: number) => number;
}

/** `<provider-key name>/<model>`: one attempt, the client decides about retries (as without a gateway). */
export function directPolicy(timeouts: GatewayTimeouts): AttemptPolicy {
  return {
    retries: 0,
    fallbackOn: new Set(),
    skipUnhealthy: false,
    firstTokenTimeoutMs: timeouts.streamFirstTokenMs,
    responseTimeoutMs: timeouts.responseMs,
    idleTimeoutMs: timeouts.streamIdleMs,
    backoffMs,
  };
}

/** An inline `models` list: each model once, moving on for the usual failure classes. */
export function inlinePolicy(timeouts: GatewayTimeouts): AttemptPolicy {
  return { ...directPolicy(timeouts), fallbackOn: new Set(DEFAULT_RELIABILITY.fallbackOn), skipUnhealthy: true };
}

export function configPolicy(config: RoutingConfig): AttemptPolicy {
  const r = config.reliability ?? DEFAULT_RELIABILITY;
  return {
    retries: r.retries,
    fallbackOn: new Set(r.fallbackOn),
    skipUnhealthy: true,
    // `timeoutMs` bounds every attempt until it answers; a stream's first token may have a tighter limit.
    firstTokenTimeoutMs: Math.min(r.firstTokenTimeoutMs, r.timeoutMs),
    responseTimeoutMs: r.timeoutMs,
    idleTimeoutMs: config.reliability?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    backoffMs,
  };
}

/** The class of a failure for `fallbackOn`; undefined for failures that are the request's fault (400, 404, 413…). */
export function failureClass(failure: UpstreamFailure): FallbackOn | undefined {
  switch (failure.kind) {
    case 'network':
      return 'network';
    case 'timeout':
      return 'timeout';
    case 'stream':
      return '5xx';
    case 'http':
      if (failure.status === 429) return '429';
      if (failure.status === 408) return 'timeout';
      if (failure.status === 401 || failure.status === 403) return 'auth';
      if (failure.status >= 500) return '5xx';
      return undefined;
  }
}

/** Retry-After (seconds or an HTTP date) in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(retryAfter: string | undefined, now = Date.now()): number | undefined {
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (retryAfter.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(retryAfter);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 1_000;

/** Exponential backoff with jitter before retry `n` (0-based), short: the client is waiting for its first byte. */
export function backoffMs(n: number, random: () => number = Math.random): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** n) * (0.5 + random() / 2);
}
