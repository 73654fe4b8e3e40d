import { exportService } from '../export/export-context.js';
import { managementHandler, route } from '../http/management-handler.js';

/**
 * POST /v1/me/export: starts an export of everything held about the account (P18) → 202 `{ exportId }`; 429 while one
 * is in flight or after the day's fifth. GET /v1/me/exports/{id}: its status, and once ready a link valid 15 minutes.
 */
export const handler = managementHandler({
  routes: {
    POST: route({ handle: async ({ accountId }) => ({ status: 202, body: await exportService().request(accountId) }) }),
    GET: route({ handle: async ({ accountId, pathParameters }) => ({ status: 200, body: await exportService().status(accountId, pathParameters.id ?? '') }) }),
  },
});
