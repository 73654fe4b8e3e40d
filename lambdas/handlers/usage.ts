import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { createTimezoneReader } from '../store/accounts-profiles.js';
import { createRollupReader } from '../store/usage-items.js';
import { createUsageService, usageCsv, usageQuerySchema, type UsageService } from '../usage/usage-service.js';

let service: UsageService | undefined;
function usage(): UsageService {
  const { config, db } = managementContext();
  return (service ??= createUsageService({
    rollups: createRollupReader(db, config.tables.usage),
    timezones: createTimezoneReader(db, config.tables.accounts),
  }));
}

/** GET /v1/usage: the caller's own account's usage series from the rollups (P4); `Accept: text/csv` for CSV. */
export const handler = managementHandler({
  routes: {
    GET: route({
      query: usageQuerySchema,
      handle: async ({ accountId, account, query, event }) => {
        const { answer } = await usage().usage(accountId, account.limits.analyticsDays, query);
        const accept = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'accept')?.[1] ?? '';
        if (/\btext\/csv\b/i.test(accept)) return { status: 200, contentType: 'text/csv; charset=utf-8', body: usageCsv(answer) };
        return { status: 200, body: answer };
      },
    }),
  },
});
