import { BUILTIN_ROLES } from '../../../lambdas/routing/classify/index.js';
import { offeredRoles } from '../../../lambdas/routing/strategies/role.js';

describe('offeredRoles', () => {
  it('gives the same array for the same roles and role map, so the classifier model is learned once per pair', () => {
    const mapped = { coding: [{ model: 'a/x', weight: 1 }], chat: [{ model: 'a/y', weight: 1 }] };
    const first = offeredRoles(BUILTIN_ROLES, mapped);
    expect(first.map((r) => r.name)).toEqual(['coding', 'chat']);
    expect(offeredRoles(BUILTIN_ROLES, mapped)).toBe(first);
    // Another config (another role map) gets its own list.
    const other = offeredRoles(BUILTIN_ROLES, { math: [{ model: 'a/z', weight: 1 }] });
    expect(other.map((r) => r.name)).toEqual(['math']);
    expect(offeredRoles(BUILTIN_ROLES, mapped)).toBe(first);
  });
});
