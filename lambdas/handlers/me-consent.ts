import { managementHandler, route } from '../http/management-handler.js';
import { profileService } from '../profile/profile-context.js';
import { consentBodySchema } from '../profile/profile-service.js';

/** POST /v1/me/consent `{ policyVersion, over13: true }`: accepts the current privacy policy (P24, P25); kept in the account's history. */
export const handler = managementHandler({
  routes: {
    POST: route({
      body: consentBodySchema,
      handle: async ({ accountId, body }) => ({ status: 201, body: await profileService().consent(accountId, body) }),
    }),
  },
});
