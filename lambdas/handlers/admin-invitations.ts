import { adminActor, adminService } from '../admin/admin-context.js';
import { invitationSchema } from '../admin/admin-service.js';
import { managementHandler, route } from '../http/management-handler.js';

/** POST /v1/admin/invitations (admins only): invites a person by email onto a plan. */
export const handler = managementHandler({
  admin: true,
  routes: {
    POST: route({
      body: invitationSchema,
      handle: async ({ accountId, body, event }) => ({ status: 201, body: await adminService().invite(adminActor(accountId, event), body) }),
    }),
  },
});
