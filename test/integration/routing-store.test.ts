import type { ConfigStore, RoleStore } from '../../lambdas/configs/config-stores.js';
import { createRoutingStore } from '../../lambdas/configs/routing-store.js';
import { newId } from '../../lambdas/keys/key-material.js';
import { BUILTIN_ROLES } from '../../lambdas/routing/classify/builtin-roles.js';
import { BUILTIN_ROLE_NAMES, type RoleDefinition, type RoutingConfig } from '../../lambdas/routing/config-schema.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../../lambdas/runtime-config.js';
import { createConfigRepository } from '../../lambdas/store/accounts-configs.js';
import { createRoleRepository } from '../../lambdas/store/accounts-roles.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createTestTables } from '../support/tables.js';

let runtime: RuntimeConfig;
let configs: ConfigStore;
let roles: RoleStore;

beforeAll(async () => {
  await createTestTables();
  runtime = loadRuntimeConfig({ ...process.env, LOCAL_KEYRING_FILE: '/unused' });
  const db = createDocumentClient(runtime);
  configs = createConfigRepository(db, runtime.tables.accounts);
  roles = createRoleRepository(db, runtime.tables.accounts);
});

const noRefs = { providerKeys: [], customRoles: [] };
const config = (name: string, model = 'openai/gpt-4o'): RoutingConfig => ({ name, strategy: 'fallback', targets: [{ model, weight: 1 }] });
const role = (name: string, description = `${name} things`): RoleDefinition => ({ name, description, examples: [], keywords: [] });
const iso = () => new Date().toISOString();

/** The real repositories, counting the reads the routing store makes through them. */
function counted() {
  const reads = { config: 0, roles: 0 };
  const stores = {
    configs: { ...configs, get: (...args: Parameters<ConfigStore['get']>) => (reads.config++, configs.get(...args)) },
    roles: { ...roles, list: (...args: Parameters<RoleStore['list']>) => (reads.roles++, roles.list(...args)) },
  };
  return { reads, stores };
}

describe('routing store (the router’s cached RoutingStore)', () => {
  it('reads a config once per TTL; a change shows after the TTL; a miss is remembered only briefly', async () => {
    const accountId = newId('acc');
    await configs.create(accountId, config('support'), noRefs, iso(), 10);
    let t = 1_000_000;
    const { reads, stores } = counted();
    const store = createRoutingStore(stores, { ttlMs: 20_000, missTtlMs: 2_000, now: () => t });

    expect(await store.config(accountId, 'support')).toEqual(config('support'));
    await configs.replace(accountId, config('support', 'openai/gpt-4o-mini'), noRefs, iso());
    t += 19_999;
    expect((await store.config(accountId, 'support'))?.targets?.[0]?.model).toBe('openai/gpt-4o');
    expect(reads.config).toBe(1);
    t += 2;
    expect((await store.config(accountId, 'support'))?.targets?.[0]?.model).toBe('openai/gpt-4o-mini');
    expect(reads.config).toBe(2);

    expect(await store.config(accountId, 'later')).toBeUndefined();
    await configs.create(accountId, config('later'), noRefs, iso(), 10);
    t += 1_999;
    expect(await store.config(accountId, 'later')).toBeUndefined();
    t += 2;
    expect(await store.config(accountId, 'later')).toEqual(config('later'));
    // Another account never sees it.
    expect(await store.config(newId('acc'), 'later')).toBeUndefined();
  });

  it('roles: built-ins in their order with overrides in place, then custom roles by name', async () => {
    const accountId = newId('acc');
    const now = iso();
    await roles.create(accountId, role('zoning'), now, 50);
    await roles.create(accountId, role('legal'), now, 50);
    await roles.create(accountId, role('math', 'Only statistics.'), now);
    const list = (await createRoutingStore({ configs, roles }).roles(accountId)).roles;
    expect(list.map((r) => r.name)).toEqual([...BUILTIN_ROLE_NAMES, 'legal', 'zoning']);
    expect(list.find((r) => r.name === 'math')).toEqual(role('math', 'Only statistics.'));
    expect(list.find((r) => r.name === 'coding')).toEqual(BUILTIN_ROLES.find((r) => r.name === 'coding'));
    expect(Object.isFrozen(list)).toBe(true);
    // An account without roles of its own has exactly the built-ins.
    expect((await createRoutingStore({ configs, roles }).roles(newId('acc'))).roles).toEqual(BUILTIN_ROLES);
  });

  it('roles() returns the same set, under the same key, while cached; a read again gets a new key; one read serves concurrent first calls', async () => {
    const accountId = newId('acc');
    let t = 1_000_000;
    const { reads, stores } = counted();
    const store = createRoutingStore(stores, { ttlMs: 20_000, now: () => t });
    const [a, b] = await Promise.all([store.roles(accountId), store.roles(accountId)]);
    expect(b).toBe(a);
    expect(reads.roles).toBe(1);
    await roles.create(accountId, role('legal'), iso(), 50);
    t += 19_999;
    expect(await store.roles(accountId)).toBe(a);
    t += 2;
    const after = await store.roles(accountId);
    expect(after.key).not.toBe(a.key);
    expect(after.roles.map((r) => r.name)).toContain('legal');
    expect(reads.roles).toBe(2);
  });

  it('a failed read is not cached: the next call reads again', async () => {
    let fail = true;
    const stores = {
      configs: { ...configs, get: () => (fail ? Promise.reject(new Error('throttled')) : Promise.resolve(undefined)) },
      roles: { ...roles, list: () => (fail ? Promise.reject(new Error('throttled')) : Promise.resolve([])) },
    };
    const store = createRoutingStore(stores);
    await expect(store.config('acc_x', 'c')).rejects.toThrow('throttled');
    await expect(store.roles('acc_x')).rejects.toThrow('throttled');
    fail = false;
    await expect(store.config('acc_x', 'c')).resolves.toBeUndefined();
    await expect(store.roles('acc_x')).resolves.toMatchObject({ roles: BUILTIN_ROLES });
  });

  it('is bounded: past maxEntries the least recently used account is read again', async () => {
    const { reads, stores } = counted();
    const store = createRoutingStore(stores, { maxEntries: 2 });
    const [a, b, c] = [newId('acc'), newId('acc'), newId('acc')];
    for (const id of [a, b, c, a]) await store.roles(id);
    expect(reads.roles).toBe(4);
  });
});
