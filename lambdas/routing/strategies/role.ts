import type { RoleDefinition, RoutingConfig } from '../config-schema.js';
import type { Classification } from '../decision.js';

type RoleTargets = NonNullable<RoutingConfig['roles']>;

/**
 * Offered role lists by the account's roles array and the config's role map. Both objects live as long as their
 * caches in the routing store keep them, so the same pair gets the same array back, and the classifier's model,
 * cached by array identity, is learned once rather than on every request (about 2 ms each time).
 */
const offered = new WeakMap<readonly RoleDefinition[], WeakMap<RoleTargets, RoleDefinition[]>>();

/** The account's roles the config routes: the classifier may choose only a role that has targets. */
export function offeredRoles(roles: readonly RoleDefinition[], mapped: RoleTargets): RoleDefinition[] {
  let byConfig = offered.get(roles);
  if (!byConfig) offered.set(roles, (byConfig = new WeakMap()));
  let list = byConfig.get(mapped);
  if (!list) byConfig.set(mapped, (list = roles.filter((role) => Object.hasOwn(mapped, role.name))));
  return list;
}

/** The classifier's answer, or the default role (method `default`, the measured confidence kept) below the threshold. */
export function settleRole(classification: Classification, mapped: RoleTargets, defaultRole: string, minConfidence: number): Classification {
  if (classification.confidence >= minConfidence && Object.hasOwn(mapped, classification.role)) return classification;
  return { role: defaultRole, confidence: classification.confidence, method: 'default' };
}
