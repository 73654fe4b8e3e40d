import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { createRollupReader } from '../store/usage-items.js';
import { createProviderMetricsService, providerMetricsQuerySchema, type ProviderMetricsService } from '../usage/provider-metrics.js';

let service: ProviderMetricsService | undefined;
function providerMetrics(): ProviderMetricsService {
  const { config, db } = managementContext();
  return (service ??= createProviderMetricsService({ rollups: createRollupReader(db, config.tables.usage) }));
}

/** GET /v1/metrics/providers: latency, errors, fallbacks and availability per provider and model of the caller's own traffic (P5). */
export const handler = managementHandler({
  routes: {
    GET: route({
      query: providerMetricsQuerySchema,
      handle: async ({ accountId, account, query }) => ({ status: 200, body: await providerMetrics().metrics(accountId, account.limits.analyticsDays, query) }),
    }),
  },
});
