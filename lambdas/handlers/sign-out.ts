import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';

/**
 * POST /v1/me/sign-out: signs the caller out on every device (AdminUserGlobalSignOut revokes every refresh token).
 * Access and ID tokens already issued stay valid until they expire (docs/auth.md).
 */
export const handler = managementHandler({
  routes: {
    POST: route({
      handle: async ({ username }) => {
        await managementContext().directory.signOutEverywhere(username);
        return { status: 204 };
      },
    }),
  },
});
