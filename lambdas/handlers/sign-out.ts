import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { noticesNotifier } from '../notices/notices-context.js';

/**
 * POST /v1/me/sign-out: signs the caller out on every device (AdminUserGlobalSignOut revokes every refresh token).
 * Access and ID tokens already issued stay valid until they expire (docs/auth.md). The user is told by a security notice.
 */
export const handler = managementHandler({
  routes: {
    POST: route({
      handle: async ({ accountId, username }) => {
        await managementContext().directory.signOutEverywhere(username);
        await noticesNotifier().notify(accountId, { kind: 'security', event: 'signed_out_everywhere' });
        return { status: 204 };
      },
    }),
  },
});
