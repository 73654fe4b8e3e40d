import { planLimitReached, type AccountPlan } from '../accounts/plan-gates.js';
import { ApiError } from '../http/errors.js';
import { isBuiltinRole } from '../routing/classify/builtin-roles.js';
import { SLUG, type RoleDefinition } from '../routing/config-schema.js';
import type { RoleStore } from './config-stores.js';
import { type ClassifyBody, classifySample, type RoleClassification } from './role-classification.js';
import { mergeRoles, type MergedRole } from './role-merge.js';

export type RoleView = Omit<RoleDefinition, 'systemPrompt'> & {
  readonly systemPrompt: string | null;
  /** One of RouKey's built-in roles (possibly overridden by the account). */
  readonly builtIn: boolean;
  /** The account's own definition replaces the built-in one. */
  readonly overridden: boolean;
  /** Null for a built-in role the account has not overridden. */
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
};

export interface RolesService {
  list(accountId: string): Promise<RoleView[]>;
  get(accountId: string, name: string): Promise<RoleView>;
  /** A new custom role, within the plan's `customRoles` (P15); built-in names are overridden with `put`. */
  create(accountId: string, role: RoleDefinition, plan: AccountPlan): Promise<RoleView>;
  /** Creates or replaces a custom role or the account's override of a built-in; `created` tells which. */
  put(accountId: string, role: RoleDefinition, plan: AccountPlan): Promise<{ created: boolean; role: RoleView }>;
  /** A custom role (refused while configs use it), or an override (the built-in applies again). */
  remove(accountId: string, name: string): Promise<void>;
  /** How the local classifier reads a sample prompt among all the account's roles; nothing of the prompt is kept (P1). */
  classify(accountId: string, input: ClassifyBody): Promise<RoleClassification>;
}

export function createRolesService({ store, now = Date.now }: { store: RoleStore; now?: () => number }): RolesService {
  const timestamp = () => new Date(now()).toISOString();

  /** The new role's view, or 'exists' when the account already has a role by that name. */
  async function insert(accountId: string, role: RoleDefinition, plan: AccountPlan): Promise<RoleView | 'exists'> {
    // Overrides of built-ins are not counted against the plan's custom roles.
    const result = await store.create(accountId, role, timestamp(), isBuiltinRole(role.name) ? undefined : plan.limits.customRoles);
    if (result.status === 'limit') throw planLimitReached(plan, 'customRoles', result.count);
    return result.status === 'exists' ? 'exists' : toView({ definition: role, builtIn: isBuiltinRole(role.name), stored: result.record });
  }

  return {
    async list(accountId) {
      return mergeRoles(await store.list(accountId, { consistent: true })).map(toView);
    },

    async get(accountId, name) {
      const stored = SLUG.test(name) ? await store.get(accountId, name) : undefined;
      const found = mergeRoles(stored ? [stored] : []).find((r) => r.definition.name === name);
      if (!found) throw new ApiError('not_found', `No role named '${name}'.`, { param: 'name' });
      return toView(found);
    },

    async create(accountId, role, plan) {
      if (isBuiltinRole(role.name)) {
        throw new ApiError('conflict', `'${role.name}' is a built-in role; override it with PUT /v1/roles/${role.name}.`, { param: 'name' });
      }
      const created = await insert(accountId, role, plan);
      if (created === 'exists')
        throw new ApiError('conflict', `A role named '${role.name}' already exists; PUT /v1/roles/${role.name} replaces it.`, { param: 'name' });
      return created;
    },

    async put(accountId, role, plan) {
      // Replace, else create; a create that loses to a concurrent one replaces what that one wrote.
      for (let attempt = 0; attempt < 3; attempt++) {
        const replaced = await store.replace(accountId, role, timestamp());
        if (replaced) return { created: false, role: toView({ definition: replaced.role, builtIn: isBuiltinRole(role.name), stored: replaced }) };
        const created = await insert(accountId, role, plan);
        if (created !== 'exists') return { created: true, role: created };
      }
      throw new Error('The role kept changing while it was being written');
    },

    async remove(accountId, name) {
      const result = SLUG.test(name) ? await store.remove(accountId, name, !isBuiltinRole(name)) : { status: 'absent' as const };
      if (result.status === 'used') {
        throw new ApiError('conflict', `Role '${name}' is used by configs: ${result.usedBy.join(', ')}. Remove it from them first.`);
      }
      if (result.status === 'absent') {
        const message = isBuiltinRole(name) ? `Role '${name}' is built in and has no override to delete.` : `No role named '${name}'.`;
        throw new ApiError('not_found', message, { param: 'name' });
      }
    },

    async classify(accountId, input) {
      const roles = mergeRoles(await store.list(accountId)).map((r) => r.definition);
      return classifySample(roles, input);
    },
  };
}

function toView({ definition, builtIn, stored }: MergedRole): RoleView {
  return {
    ...definition,
    systemPrompt: definition.systemPrompt ?? null,
    builtIn,
    overridden: builtIn && stored !== undefined,
    createdAt: stored?.createdAt ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}
