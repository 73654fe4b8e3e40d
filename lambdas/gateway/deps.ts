import { DEFAULT_IDLE_TIMEOUT_MS } from '../routing/config-schema.js';
import { MAX_ANSWER_MIB } from '../runtime-config.js';
import type { ActivityWriter } from '../store/activity-repo.js';
import type { TargetHealth } from '../routing/target-health.js';
import type { SecurityEventRecorder } from '../security/security-event.js';
import type { HealthSync } from './health-sync.js';
import type { ApiKeyAuthenticator, ProviderKeyResolver, RequestGate, RoutingStore } from './ports.js';
import type { MetricsSink } from './request-metrics.js';

/**
 * Upstream time limits. Streams must produce a first token in time and then keep producing; non-streamed answers
 * arrive whole. Routes through a config take their first-token, answer and idle limits from its `reliability`.
 */
export interface GatewayTimeouts {
  readonly streamFirstTokenMs: number;
  readonly responseMs: number;
  /** After a stream's first token, the longest wait for its next chunk. */
  readonly streamIdleMs: number;
  /** The longest one request may run, from its arrival to its last byte (REQUEST_DURATION_CAP_MS in production). */
  readonly requestMs: number;
  /** Per provider key, for `GET /v1/models`. */
  readonly modelsMs: number;
}

/**
 * The router Lambda's timeout is 15 minutes (lib/api.ts); a request it cuts gets no error event and no activity
 * record. Requests are cut a minute earlier by the gateway itself, which leaves time for both.
 */
export const REQUEST_DURATION_CAP_MS = 14 * 60_000;

export const DEFAULT_TIMEOUTS: GatewayTimeouts = {
  streamFirstTokenMs: 60_000,
  responseMs: 600_000,
  streamIdleMs: DEFAULT_IDLE_TIMEOUT_MS,
  requestMs: REQUEST_DURATION_CAP_MS,
  modelsMs: 3_000,
};

/** Upstream size limits: past them the attempt fails as an upstream error instead of growing the gateway's memory. */
export interface GatewayBounds {
  /** The largest non-streamed upstream answer (or error body, or model list) read; streams are read chunk by chunk. */
  readonly answerBytes: number;
}

/** `roukey:maxAnswerMiB`'s default, for tests and tools that build the router's services themselves. */
export const DEFAULT_BOUNDS: GatewayBounds = { answerBytes: MAX_ANSWER_MIB.default * 1024 * 1024 };

/** Everything the router's handlers use; built once per container (gateway/container.ts) or by tests. */
export interface GatewayDeps {
  readonly authenticator: ApiKeyAuthenticator;
  /** The account's standing and request limits, checked after authentication and before anything is routed. */
  readonly gate: RequestGate;
  /** Where invalid keys and refusals are reported (P8), flushed after each response. */
  readonly securityEvents: SecurityEventRecorder;
  readonly providerKeys: ProviderKeyResolver;
  readonly activity: ActivityWriter;
  /**
   * Configs and roles, the per-target health (cooldowns, breakers, latency) this container has seen, and what it
   * shares of it with the other containers (absent: each container learns alone).
   */
  readonly routing: { readonly store: RoutingStore; readonly health: TargetHealth; readonly sync?: HealthSync };
  /** SSRF guard for provider base URLs (lambdas/keys/base-url-guard.ts with the runtime's loopback setting). */
  readonly assertSafeBaseUrl: (url: string) => Promise<unknown>;
  readonly timeouts: GatewayTimeouts;
  readonly bounds: GatewayBounds;
  /** Where each request's CloudWatch metrics go (one EMF line on stdout); absent: none are written. */
  readonly metrics?: MetricsSink;
  /** One structured line of metadata (lambdas/http/logger.ts in production); never content, never keys. */
  readonly log: (entry: LogEntry) => void;
}

export type LogEntry = Readonly<{ level: 'warn' | 'error'; msg: string } & Record<string, string | number | boolean | undefined>>;

/** An error's class name only, for a log line: messages of library errors may quote input (P1). */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
