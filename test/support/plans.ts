import type { AccountPlan } from '../../lambdas/accounts/plan-gates.js';
import { DEFAULT_PLANS, type PlanId } from '../../lambdas/plans/catalog.js';

/** A plan as a create call sees it, for tests of services that are not about plans. */
export function planOf(plan: PlanId, overrides: Partial<AccountPlan['limits']> = {}): AccountPlan {
  return { plan, limits: { ...DEFAULT_PLANS[plan], ...overrides } };
}

/** Every feature, and counts far above what a test creates. */
export const ENTERPRISE = planOf('enterprise');
