import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError } from '../http/errors.js';
import { managementHandler, route } from '../http/management-handler.js';
import { parseJsonBody, validate } from '../http/validation.js';
import { profileService } from '../profile/profile-context.js';
import { emailChangeBodySchema, emailVerifyBodySchema } from '../profile/profile-service.js';

/**
 * POST /v1/me/email `{ email }`: Cognito mails a code to the new address (the old one stays in use until then).
 * POST /v1/me/email/verify `{ code }`: confirms it; the profile's email changes (P19). Both act with the caller's own
 * access token (Cognito's user API, scope aws.cognito.signin.user.admin), so only the signed-in user can do either.
 */
export const handler = managementHandler({
  routes: {
    POST: route({
      handle: async ({ accountId, username, event }) => {
        // Two resources, one method: each validates its own body.
        const body = parseJsonBody(event.body, event.isBase64Encoded);
        if (event.resource.endsWith('/verify')) {
          const { code } = validate(emailVerifyBodySchema, body);
          return { status: 200, body: await profileService().verifyEmail(accountId, username, accessToken(event), code) };
        }
        const { email } = validate(emailChangeBodySchema, body);
        const token = accessToken(event);
        await profileService().startEmailChange(token, email);
        return { status: 202, body: { object: 'email_change', email, status: 'verification_sent' } };
      },
    }),
  },
});

function accessToken(event: APIGatewayProxyEvent): string {
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  if (!token) throw new ApiError('unauthenticated', 'Sign-in required.');
  return token;
}
