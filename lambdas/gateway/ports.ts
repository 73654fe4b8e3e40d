import type { RequestLimitName } from '../limits/allowance.js';
import type { ProviderId } from '../provider-ids.js';
import type { UpstreamCredentials } from '../providers/types.js';
import type { RoutingConfig } from '../routing/config-schema.js';
import type { RoleSet } from '../routing/decision.js';
import type { SharedTargetHealth, TargetHealthReport } from '../routing/target-health.js';

/**
 * What the router needs from the rest of RouKey. The gateway owns these interfaces; `lambdas/keys/` and
 * `lambdas/store/` implement them against DynamoDB and KMS.
 */
export interface ApiKeyPrincipal {
  readonly accountId: string;
  readonly apiKeyId: string;
  /** The routing config the key is bound to (`PATCH /v1/api-keys/{id}`), for requests that name none. */
  readonly config?: string;
}

export interface ApiKeyAuthenticator {
  /** The key's owner, or undefined for an unknown or revoked key. Revocation takes effect within 30 s. */
  authenticate(rawKey: string): Promise<ApiKeyPrincipal | undefined>;
  /** Records use of the key, at most once a minute per key; never on the response path. */
  touch(principal: ApiKeyPrincipal): Promise<void>;
}

/** One of the account's provider keys, as listed: no secret, nothing decrypted. */
export interface ProviderKeyRef {
  readonly providerKeyId: string;
  readonly name: string;
  readonly provider: ProviderId;
}

export interface ProviderKeyResolver {
  /** The account's provider key by its name, decrypted; undefined when the account has none by that name. */
  byName(accountId: string, name: string): Promise<UpstreamCredentials | undefined>;
  /** The account's provider keys without decrypting any (`GET /v1/models` opens each with `byName`, one failing alone). */
  list(accountId: string): Promise<readonly ProviderKeyRef[]>;
  /** The provider behind each of the account's provider-key names, without decrypting anything (for routing). */
  /**
   * Each provider key's provider, by name. `expected` are names that exist (a config's keys): a cached list that lacks
   * one is read again, so a key created a moment ago counts at once.
   */
  providers(accountId: string, expected?: readonly string[]): Promise<ReadonlyMap<string, ProviderId>>;
}

/** Routing configs and roles as the router reads them; cached briefly, so changes show within about 30 s. */
export interface RoutingStore {
  /** The account's config by name (validated when it was stored); undefined when there is none. */
  config(accountId: string, name: string): Promise<RoutingConfig | undefined>;
  /**
   * Built-in roles (overridden where the account defined its own) followed by the account's custom roles, under a
   * key that changes whenever they are read again, so what is learned from them is learned again.
   */
  roles(accountId: string): Promise<RoleSet>;
  /** The names of the account's configs, for `GET /v1/models` (as `roukey/<name>`). */
  configNames(accountId: string): Promise<readonly string[]>;
}

/** The caller's requests-per-minute allowance, as OpenAI's `x-ratelimit-*-requests` headers tell it. */
export interface RequestAllowance {
  readonly limit: number;
  readonly remaining: number;
  /** When the window ends (epoch ms). */
  readonly resetAt: number;
}

export interface Admission {
  readonly requests: RequestAllowance;
  /** The limit that refused the request, and when asking again can succeed (epoch ms); absent when admitted. */
  readonly refused?: { readonly limit: RequestLimitName; readonly retryAt: number };
}

/** Whether a caller may send a request to a provider now: its account's standing and its plan's request limits. */
export interface RequestGate {
  /** The admission, or a 403 ApiError (`account_suspended`). A plan or standing change is seen within 30 s. */
  admit(caller: ApiKeyPrincipal): Promise<Admission>;
  /** The standing alone, for API-key routes that call no model (model lists, stored responses): a 403 when suspended. */
  assertActive(caller: ApiKeyPrincipal): Promise<void>;
  /** After the response: the tokens the request used, counted against the month. Never throws. */
  settle(caller: ApiKeyPrincipal, tokens: number): Promise<void>;
}

/** Target health shared by every router container (lambdas/store/limits-health.ts). */
export interface SharedHealthStore {
  /** What containers last reported of the account's targets, expired reports left out. */
  read(accountId: string): Promise<readonly SharedTargetHealth[]>;
  /** Stores each report over what its target's item held, leaving a cooldown or circuit the report does not name. */
  write(reports: readonly TargetHealthReport[]): Promise<void>;
}
