import type { LimitReached } from '../accounts/plan-gates.js';
import type { RoleDefinition, RoutingConfig } from '../routing/config-schema.js';

/** The persistence ports of configs and roles; lambdas/store/accounts-configs.ts and accounts-roles.ts implement them. */

/** What a config depends on, kept as `usedBy` entries on those items so they cannot be deleted under it. */
export interface ConfigRefs {
  /** Provider-key names, distinct, sorted. */
  readonly providerKeys: readonly string[];
  /** Names of the account's custom roles (built-ins are always there), distinct, sorted. */
  readonly customRoles: readonly string[];
}

export interface ConfigRecord {
  readonly config: RoutingConfig;
  readonly refs: ConfigRefs;
  /** Increments on every replace; writes based on an older read are refused. */
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Ids of the API keys bound to the config (`PATCH /v1/api-keys/{id}`). */
  readonly boundKeys: readonly string[];
}

/** A reference whose item does not exist in the account. */
export interface MissingRef {
  readonly status: 'missing';
  readonly kind: 'providerKey' | 'customRole';
  readonly name: string;
}

export type ConfigWrite =
  | { readonly status: 'written'; readonly record: ConfigRecord }
  | { readonly status: 'exists' }
  | { readonly status: 'absent' }
  | LimitReached
  | MissingRef;

export interface ConfigStore {
  /** `consistent`: management reads see their own writes; the router reads eventually consistent. */
  get(accountId: string, name: string, options?: { consistent?: boolean }): Promise<ConfigRecord | undefined>;
  list(accountId: string): Promise<ConfigRecord[]>;
  /** 'exists' when the name is taken; 'limit' when the account already has `limit` configs. */
  create(accountId: string, config: RoutingConfig, refs: ConfigRefs, now: string, limit: number): Promise<ConfigWrite>;
  /** Replaces the config of that name, keeping its createdAt and bindings; 'absent' when there is none. */
  replace(accountId: string, config: RoutingConfig, refs: ConfigRefs, now: string): Promise<ConfigWrite>;
  /** Refused while API keys are bound to it. */
  remove(
    accountId: string,
    name: string,
  ): Promise<{ readonly status: 'removed' } | { readonly status: 'absent' } | { readonly status: 'bound'; readonly boundKeys: readonly string[] }>;
}

export interface RoleRecord {
  readonly role: RoleDefinition;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Names of the configs that use the role (custom roles only; a built-in cannot go away). */
  readonly usedBy: readonly string[];
}

export interface RoleStore {
  get(accountId: string, name: string): Promise<RoleRecord | undefined>;
  /** `consistent`: management reads see their own writes; the router reads eventually consistent. */
  list(accountId: string, options?: { consistent?: boolean }): Promise<RoleRecord[]>;
  /** `limit`: the most custom roles an account may have; absent for an override of a built-in, which is not counted. */
  create(
    accountId: string,
    role: RoleDefinition,
    now: string,
    limit?: number,
  ): Promise<{ readonly status: 'created'; readonly record: RoleRecord } | { readonly status: 'exists' } | LimitReached>;
  /** Replaces the definition of an existing role, keeping createdAt and usedBy; undefined when there is none. */
  replace(accountId: string, role: RoleDefinition, now: string): Promise<RoleRecord | undefined>;
  /** Refused while configs use it; `counted` as in create. */
  remove(
    accountId: string,
    name: string,
    counted: boolean,
  ): Promise<{ readonly status: 'removed' } | { readonly status: 'absent' } | { readonly status: 'used'; readonly usedBy: readonly string[] }>;
}
