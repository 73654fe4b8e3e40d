import { BUILTIN_ROLES, isBuiltinRole } from '../routing/classify/builtin-roles.js';
import type { RoleDefinition } from '../routing/config-schema.js';
import type { RoleRecord } from './config-stores.js';

export interface MergedRole {
  readonly definition: RoleDefinition;
  readonly builtIn: boolean;
  /** The account's own item: a custom role, or its override of the built-in. */
  readonly stored?: RoleRecord;
}

/** An account's roles: the built-ins in their order, each replaced by the account's own of that name, then custom roles by name. */
export function mergeRoles(stored: readonly RoleRecord[]): MergedRole[] {
  const own = new Map(stored.map((r) => [r.role.name, r]));
  const builtIns = BUILTIN_ROLES.map((role) => {
    const override = own.get(role.name);
    return { definition: override?.role ?? role, builtIn: true, stored: override };
  });
  const custom = stored
    .filter((r) => !isBuiltinRole(r.role.name))
    .sort((a, b) => a.role.name.localeCompare(b.role.name))
    .map((r) => ({ definition: r.role, builtIn: false, stored: r }));
  return [...builtIns, ...custom];
}
