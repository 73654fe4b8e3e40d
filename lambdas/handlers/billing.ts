import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { billingService } from '../billing/billing-context.js';
import { checkoutSchema, transactionsQuerySchema } from '../billing/billing-service.js';
import { managementHandler, route, type LambdaHttpHandler } from '../http/management-handler.js';

/** Each billing resource's methods; the one function serves them all, picked by API Gateway's resource path. */
const BY_RESOURCE: Readonly<Record<string, LambdaHttpHandler>> = {
  '/v1/billing': managementHandler({
    routes: { GET: route({ handle: async ({ accountId, account }) => ({ status: 200, body: await (await billingService()).overview(accountId, account) }) }) },
  }),
  '/v1/billing/checkout': managementHandler({
    routes: {
      POST: route({
        body: checkoutSchema,
        handle: async ({ accountId, account, body }) => ({ status: 200, body: await (await billingService()).checkout(accountId, account, body) }),
      }),
    },
  }),
  '/v1/billing/portal': managementHandler({
    routes: { POST: route({ handle: async ({ accountId }) => ({ status: 200, body: await (await billingService()).portal(accountId) }) }) },
  }),
  '/v1/billing/transactions': managementHandler({
    routes: {
      GET: route({
        query: transactionsQuerySchema,
        handle: async ({ accountId, query }) => ({ status: 200, body: await (await billingService()).transactions(accountId, query) }),
      }),
    },
  }),
};

/** GET /v1/billing, POST /v1/billing/checkout, POST /v1/billing/portal, GET /v1/billing/transactions (the caller's own account). */
export const handler: LambdaHttpHandler = (event: APIGatewayProxyEvent, context: Context) =>
  (BY_RESOURCE[event.resource] ?? (BY_RESOURCE['/v1/billing'] as LambdaHttpHandler))(event, context);
