import { createPlanReporter } from '../accounts/plan-report.js';
import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { accountCounts } from '../store/accounts-items.js';
import { createMonthlyUsageReader } from '../store/limits-items.js';

let reporter: ReturnType<typeof createPlanReporter> | undefined;
function plans(): ReturnType<typeof createPlanReporter> {
  const { config, db } = managementContext();
  return (reporter ??= createPlanReporter({
    usage: createMonthlyUsageReader(db, config.tables.limits),
    counts: accountCounts(db, config.tables.accounts),
  }));
}

/** GET /v1/me/plan: the caller's plan, its effective limits (plan + the account's overrides) and this month's usage (P15). */
export const handler = managementHandler({
  routes: {
    GET: route({ handle: async ({ account }) => ({ status: 200, body: await plans().report(account) }) }),
  },
});
