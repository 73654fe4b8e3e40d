import type { Capabilities } from '../catalog/index.js';
import type { ProviderId } from '../provider-ids.js';
import type { RoleDefinition, RoutingConfig, Strategy } from './config-schema.js';

/**
 * The contract between the router (lambdas/gateway) and the routing engine (this folder): what a strategy is
 * given about a request, and the ordered attempts it answers with.
 */

/** One target a request may be sent to, parsed from `<provider-key name>/<model id>`. */
export interface RouteTarget {
  readonly providerKeyName: string;
  readonly model: string;
  readonly weight: number;
}

/** What routing may read of a request. Text is read in memory only, to classify and score it; none is kept (P1). */
export interface RoutingRequest {
  /** The OpenAI-shaped body: messages, tools, response_format and so on. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The request's `model` field as sent. */
  readonly model: string;
  /** Estimated prompt tokens (catalog/token-estimate.ts). */
  readonly promptTokens: number;
  /** What the request asks of its model (catalog/capabilities.ts). */
  readonly needs: Capabilities;
  /** `x-roukey-metadata-<name>` headers, by lower-case name. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Who A/B stickiness follows: the body's `user` field, else the API key id. */
  readonly stickyId: string;
}

/** How a role was chosen. `default`: the classifier's confidence was below the threshold. */
export type ClassificationMethod = 'local' | 'llm' | 'default';

export interface Classification {
  readonly role: string;
  /** 0-1. */
  readonly confidence: number;
  readonly method: ClassificationMethod;
}

/**
 * Roles to choose between, and a key that names exactly this list: equal keys, equal roles. What is learned from
 * the roles (the local classifier's model) is kept under the key; the routing store makes a new key whenever it
 * reloads an account's roles.
 */
export interface RoleSet {
  readonly key: string;
  readonly roles: readonly RoleDefinition[];
}

/** Classifies a request's last user turn and system prompt into one of `roles`. */
export type ClassifyRequest = (request: RoutingRequest, roles: RoleSet) => Promise<Classification> | Classification;

/** Per-target state shared by the requests of one container: latency, cooldowns, circuit breakers. */
export interface TargetHealthView {
  /** EWMA of time to first token in ms, or undefined when the target has no recent sample. */
  latencyMs(targetKey: string): number | undefined;
}

/** The routing decision, before the attempt loop skips targets in cooldown or with an open breaker. */
export interface RouteDecision {
  readonly strategy: Strategy | 'direct' | 'inline';
  readonly configName?: string;
  /** The role, band (`"1"`..`"5"`), variant or rule chosen, where the strategy chose one. */
  readonly route?: string;
  /** The classification behind a `role` route. */
  readonly classification?: Classification;
  /** Complexity score 1-5 behind a `complexity` route. */
  readonly complexity?: number;
  /** The targets to attempt, in order. */
  readonly targets: readonly RouteTarget[];
  /** The chosen role's system prompt, to prepend. */
  readonly systemPrompt?: string;
}

/** What a strategy needs besides the config and the request. */
export interface DecisionContext {
  readonly accountId: string;
  /** The account's roles: built-ins, overridden where the account has its own, plus custom roles. */
  readonly roles: RoleSet;
  /** The provider behind a provider-key name in this account, for catalog lookups; undefined when there is no such key. */
  readonly providerOf: (providerKeyName: string) => ProviderId | undefined;
  readonly health: TargetHealthView;
  readonly classify: ClassifyRequest;
  /** Below this confidence a `role` config without its own `classifier.minConfidence` uses its default role. */
  readonly defaultMinConfidence: number;
  /** The prompt's complexity, 1-5, for the `complexity` strategy (classify/complexity.ts). */
  readonly scoreComplexity: (request: RoutingRequest) => number;
  /** Uniform in [0, 1); injectable so tests and benchmarks are deterministic. */
  readonly random: () => number;
}

/** Health, cooldowns and smooth-weighted-round-robin state are keyed per account and target. */
export function targetKey(accountId: string, target: Pick<RouteTarget, 'providerKeyName' | 'model'>): string {
  return `${accountId}/${target.providerKeyName}/${target.model}`;
}

/** The account and the `<providerKeyName>/<model>` of a targetKey (account ids hold no slash). */
export function splitTargetKey(key: string): { readonly accountId: string; readonly target: string } {
  const slash = key.indexOf('/');
  return { accountId: key.slice(0, slash), target: key.slice(slash + 1) };
}

export type { RoutingConfig };
