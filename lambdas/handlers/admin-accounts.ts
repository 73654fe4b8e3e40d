import { adminActor, adminService } from '../admin/admin-context.js';
import { accountChangeSchema, accountListQuerySchema } from '../admin/admin-service.js';
import { managementHandler, route } from '../http/management-handler.js';

/** GET /v1/admin/accounts, PATCH /v1/admin/accounts/{id} (admins only): every account; plan, status and limits of one. */
export const handler = managementHandler({
  admin: true,
  routes: {
    GET: route({ query: accountListQuerySchema, handle: async ({ query }) => ({ status: 200, body: await adminService().list(query) }) }),
    PATCH: route({
      body: accountChangeSchema,
      handle: async ({ accountId, body, pathParameters, event }) => ({
        status: 200,
        body: await adminService().change(adminActor(accountId, event), pathParameters.id ?? '', body),
      }),
    }),
  },
});
