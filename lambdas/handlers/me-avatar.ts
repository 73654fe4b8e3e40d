import { managementHandler, route } from '../http/management-handler.js';
import { profileService } from '../profile/profile-context.js';
import { avatarUploadBodySchema } from '../profile/profile-service.js';

/**
 * POST /v1/me/avatar `{ contentType }`: a presigned S3 POST for one image (PNG, JPEG or WebP, at most 1 MB); the
 * upload is checked when it lands (lambdas/handlers/avatar-upload.ts) and becomes the avatar only if it passes (P17).
 * DELETE /v1/me/avatar: removes the uploaded avatar (a federated user's provider picture shows again).
 */
export const handler = managementHandler({
  routes: {
    POST: route({
      body: avatarUploadBodySchema,
      handle: async ({ accountId, body }) => ({ status: 201, body: await profileService().avatarUploadForm(accountId, body.contentType) }),
    }),
    DELETE: route({
      handle: async ({ accountId }) => {
        await profileService().removeAvatar(accountId);
        return { status: 204 };
      },
    }),
  },
});
