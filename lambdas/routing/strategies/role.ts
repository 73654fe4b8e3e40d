import type { RoleDefinition, RoutingConfig } from '../config-schema.js';
import type { Classification } from '../decision.js';

type RoleTargets = NonNullable<RoutingConfig['roles']>;

/** The account's roles the config routes: the classifier may choose only a role that has targets. */
export function offeredRoles(roles: readonly RoleDefinition[], mapped: RoleTargets): RoleDefinition[] {
  return roles.filter((role) => Object.hasOwn(mapped, role.name));
}

/** The classifier's answer, or the default role (method `default`, the measured confidence kept) below the threshold. */
export function settleRole(classification: Classification, mapped: RoleTargets, defaultRole: string, minConfidence: number): Classification {
  if (classification.confidence >= minConfidence && Object.hasOwn(mapped, classification.role)) return classification;
  return { role: defaultRole, confidence: classification.confidence, method: 'default' };
}
