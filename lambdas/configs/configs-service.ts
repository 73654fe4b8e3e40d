import { assertStrategyAllowed, planLimitReached, type AccountPlan } from '../accounts/plan-gates.js';
import { ApiError } from '../http/errors.js';
import type { ApiKeyStore } from '../keys/key-stores.js';
import { SLUG, type RoutingConfig } from '../routing/config-schema.js';
import type { ConfigRecord, ConfigStore, ConfigWrite } from './config-stores.js';
import { configRefs, invalidField, missingReference } from './references.js';

/** A config as the client wrote it, defaults filled, with its timestamps. */
export type ConfigView = RoutingConfig & { readonly createdAt: string; readonly updatedAt: string };

export interface ConfigsService {
  /** A new config, within the plan's `configs` and `strategies` (P15). */
  create(accountId: string, config: RoutingConfig, plan: AccountPlan): Promise<ConfigView>;
  list(accountId: string): Promise<ConfigView[]>;
  get(accountId: string, name: string): Promise<ConfigView>;
  /** `config.name` is the path's name (configs are never renamed; see `nameFromPath`); its strategy must be in the plan. */
  replace(accountId: string, config: RoutingConfig, plan: AccountPlan): Promise<ConfigView>;
  /** Refused while API keys are bound to the config. */
  remove(accountId: string, name: string): Promise<void>;
}

export interface ConfigsDeps {
  readonly store: ConfigStore;
  /** To name the keys bound to a config that cannot be deleted. */
  readonly apiKeys: Pick<ApiKeyStore, 'list'>;
  readonly now?: () => number;
}

export function createConfigsService({ store, apiKeys, now = Date.now }: ConfigsDeps): ConfigsService {
  const timestamp = () => new Date(now()).toISOString();

  function written(config: RoutingConfig, result: ConfigWrite, plan: AccountPlan): ConfigView {
    switch (result.status) {
      case 'written':
        return toView(result.record);
      case 'missing':
        throw missingReference(config, result.kind, result.name);
      case 'exists':
        throw new ApiError('conflict', `A config named '${config.name}' already exists; PUT /v1/configs/${config.name} replaces it.`, { param: 'name' });
      case 'limit':
        throw planLimitReached(plan, 'configs', result.count);
      case 'absent':
        throw notFound();
    }
  }

  return {
    async create(accountId, config, plan) {
      assertStrategyAllowed(plan, config.strategy);
      return written(config, await store.create(accountId, config, configRefs(config), timestamp(), plan.limits.configs), plan);
    },

    async list(accountId) {
      return (await store.list(accountId)).map(toView).sort((a, b) => a.name.localeCompare(b.name));
    },

    async get(accountId, name) {
      const record = SLUG.test(name) ? await store.get(accountId, name, { consistent: true }) : undefined;
      if (!record) throw notFound();
      return toView(record);
    },

    async replace(accountId, config, plan) {
      assertStrategyAllowed(plan, config.strategy);
      return written(config, await store.replace(accountId, config, configRefs(config), timestamp()), plan);
    },

    async remove(accountId, name) {
      const result = SLUG.test(name) ? await store.remove(accountId, name) : { status: 'absent' as const };
      if (result.status === 'absent') throw notFound();
      if (result.status === 'bound') {
        const bound = new Set(result.boundKeys);
        const keys = (await apiKeys.list(accountId))
          .filter((k) => bound.has(k.id))
          .map((k) => `${k.name} (${k.id})`)
          .sort();
        throw new ApiError(
          'conflict',
          `Config '${name}' is bound to API keys: ${keys.join(', ')}. Unbind them first (PATCH /v1/api-keys/{id} with {"config": null}).`,
        );
      }
    },
  };
}

/**
 * The config a `PUT /v1/configs/{name}` body describes: the body may leave `name` out, or repeat the path's name.
 * A different name is refused rather than taken as a rename, because API keys and clients refer to configs by name.
 */
export function nameFromPath(pathName: string, body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (body.name !== undefined && body.name !== pathName)
    throw invalidField('name', 'must equal the name in the path (configs cannot be renamed); leave it out or create a new config.');
  return { ...body, name: pathName };
}

function notFound(): ApiError {
  return new ApiError('not_found', 'No such config.', { param: 'name' });
}

function toView(record: ConfigRecord): ConfigView {
  return { ...record.config, createdAt: record.createdAt, updatedAt: record.updatedAt };
}
