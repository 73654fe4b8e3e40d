import type { RoutingConfig } from '../config-schema.js';
import type { Classification, RoleSet } from '../decision.js';

type RoleTargets = NonNullable<RoutingConfig['roles']>;

/**
 * The account's roles the config routes: the classifier may choose only a role that has targets. The subset is
 * keyed by the account's set and the roles kept, so the classifier learns it once for all the config's requests.
 */
export function offeredRoles(account: RoleSet, mapped: RoleTargets): RoleSet {
  const roles = account.roles.filter((role) => Object.hasOwn(mapped, role.name));
  return { key: `${account.key}:${roles.map((role) => role.name).join(',')}`, roles };
}

/** The classifier's answer, or the default role (method `default`, the measured confidence kept) below the threshold. */
export function settleRole(classification: Classification, mapped: RoleTargets, defaultRole: string, minConfidence: number): Classification {
  if (classification.confidence >= minConfidence && Object.hasOwn(mapped, classification.role)) return classification;
  return { role: defaultRole, confidence: classification.confidence, method: 'default' };
}
