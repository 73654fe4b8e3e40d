import { TtlCache } from '../cache/ttl-cache.js';
import type { RoutingStore } from '../gateway/ports.js';
import type { RoutingConfig } from '../routing/config-schema.js';
import type { RoleSet } from '../routing/decision.js';
import type { ConfigStore, RoleStore } from './config-stores.js';
import { mergeRoles } from './role-merge.js';

export interface RoutingStoreOptions {
  /** How long a config or an account's roles are reused; changes show in the router within this time. */
  readonly ttlMs?: number;
  /** How long "no such config" is remembered: short, so a config created a moment ago is usable right away. */
  readonly missTtlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Where the routing store reads configs and roles. */
export interface RoutingSources {
  readonly configs: ConfigStore;
  readonly roles: RoleStore;
}

/** Role sets read in this process, numbered so that no two share a key (routing/decision.ts RoleSet). */
let roleSetsLoaded = 0;

/** The router's view of configs and roles: one read per account and name, reused from a bounded container cache. */
export function createRoutingStore({ configs, roles }: RoutingSources, options: RoutingStoreOptions = {}): RoutingStore {
  const { ttlMs = 20_000, missTtlMs = 2_000, maxEntries = 2_000, now = Date.now } = options;
  // Promises are cached, so concurrent first requests share one read and one role set; a failed read is forgotten.
  const configCache = new TtlCache<string, Promise<RoutingConfig | undefined>>({ maxEntries, now });
  const rolesCache = new TtlCache<string, Promise<RoleSet>>({ maxEntries, now });

  function cached<V>(cache: TtlCache<string, Promise<V>>, key: string, load: () => Promise<V>, ttl: (value: V) => number): Promise<V> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const pending = load();
    cache.set(key, pending, ttlMs);
    pending.then(
      (value) => {
        // Re-set with the value's own lifetime, unless a newer load has replaced this one meanwhile.
        if (cache.get(key) === pending) cache.set(key, pending, ttl(value));
      },
      () => {
        if (cache.get(key) === pending) cache.delete(key);
      },
    );
    return pending;
  }

  return {
    config(accountId, name) {
      const load = async () => (await configs.get(accountId, name))?.config;
      return cached(configCache, `${accountId}#${name}`, load, (found) => (found ? ttlMs : missTtlMs));
    },

    roles(accountId) {
      const load = async (): Promise<RoleSet> => ({
        key: `${accountId}#${++roleSetsLoaded}`,
        roles: Object.freeze(mergeRoles(await roles.list(accountId)).map((r) => r.definition)),
      });
      return cached(rolesCache, accountId, load, () => ttlMs);
    },

    async configNames(accountId) {
      return (await configs.list(accountId)).map((record) => record.config.name).sort();
    },
  };
}
