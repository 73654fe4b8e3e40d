import { BUILTIN_ROLE_SET } from '../../../lambdas/routing/classify/index.js';
import { offeredRoles } from '../../../lambdas/routing/strategies/role.js';

describe('offeredRoles', () => {
  it('offers the mapped roles under a key of their own: the same for the same set and map, so the classifier model is learned once per pair', () => {
    const mapped = { coding: [{ model: 'a/x', weight: 1 }], chat: [{ model: 'a/y', weight: 1 }] };
    const first = offeredRoles(BUILTIN_ROLE_SET, mapped);
    expect(first.roles.map((r) => r.name)).toEqual(['coding', 'chat']);
    expect(offeredRoles(BUILTIN_ROLE_SET, mapped).key).toBe(first.key);
    // Another config (another role map) gets its own set; the account's roles read again, another key.
    const other = offeredRoles(BUILTIN_ROLE_SET, { math: [{ model: 'a/z', weight: 1 }] });
    expect(other.roles.map((r) => r.name)).toEqual(['math']);
    expect(other.key).not.toBe(first.key);
    expect(offeredRoles({ ...BUILTIN_ROLE_SET, key: 'reloaded' }, mapped).key).not.toBe(first.key);
  });
});
