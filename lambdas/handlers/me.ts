import { managementHandler, route } from '../http/management-handler.js';
import { profilePatchSchema } from '../profile/preferences.js';
import { profileService } from '../profile/profile-context.js';

/**
 * GET /v1/me: the caller's profile, preferences, sign-in methods and consent (P17, P25).
 * PATCH /v1/me: changes any of display name, timezone, language, dashboard and notification settings (P19, P21).
 */
export const handler = managementHandler({
  routes: {
    GET: route({ handle: async ({ accountId, username }) => ({ status: 200, body: await profileService().me(accountId, username) }) }),
    PATCH: route({
      body: profilePatchSchema,
      handle: async ({ accountId, username, body }) => ({ status: 200, body: await profileService().update(accountId, username, body) }),
    }),
  },
});
