import type { ActivityWriter } from '../store/activity-repo.js';
import type { TargetHealth } from '../routing/target-health.js';
import type { ApiKeyAuthenticator, ProviderKeyResolver, RoutingStore } from './ports.js';

/** Upstream time limits. Streams must produce a first token in time; non-streamed answers arrive whole. */
export interface GatewayTimeouts {
  readonly streamFirstTokenMs: number;
  readonly responseMs: number;
  /** Per provider key, for `GET /v1/models`. */
  readonly modelsMs: number;
}

export const DEFAULT_TIMEOUTS: GatewayTimeouts = { streamFirstTokenMs: 60_000, responseMs: 600_000, modelsMs: 3_000 };

/** Everything the router's handlers use; built once per container (gateway/container.ts) or by tests. */
export interface GatewayDeps {
  readonly authenticator: ApiKeyAuthenticator;
  readonly providerKeys: ProviderKeyResolver;
  readonly activity: ActivityWriter;
  /** Configs and roles, and the per-target health (cooldowns, breakers, latency) this container has seen. */
  readonly routing: { readonly store: RoutingStore; readonly health: TargetHealth };
  /** SSRF guard for provider base URLs (lambdas/keys/base-url-guard.ts with the runtime's loopback setting). */
  readonly assertSafeBaseUrl: (url: string) => Promise<unknown>;
  readonly timeouts: GatewayTimeouts;
  /** One structured line of metadata (lambdas/http/logger.ts in production); never content, never keys. */
  readonly log: (entry: LogEntry) => void;
}

export type LogEntry = Readonly<{ level: 'warn' | 'error'; msg: string } & Record<string, string | number | boolean | undefined>>;
