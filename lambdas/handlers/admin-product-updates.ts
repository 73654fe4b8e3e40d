import { managementHandler, route } from '../http/management-handler.js';
import { productUpdateService } from '../notices/product-updates-context.js';
import { productUpdateSchema } from '../notices/product-updates.js';

/**
 * POST /v1/admin/product-updates (admins only): mails `{ headline, text }` to every user who turned product updates
 * on (P21) → 202 `{ updateId }`; 429 past the day's fifth. GET /v1/admin/product-updates/{id}: how far it got.
 */
export const handler = managementHandler({
  admin: true,
  routes: {
    POST: route({ body: productUpdateSchema, handle: async ({ body }) => ({ status: 202, body: await productUpdateService().announce(body) }) }),
    GET: route({ handle: async ({ pathParameters }) => ({ status: 200, body: await productUpdateService().status(pathParameters.id ?? '') }) }),
  },
});
