import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { deletionService } from '../deletion/deletion-context.js';
import { deletionRequestSchema } from '../deletion/deletion-service.js';
import { managementHandler, route, type LambdaHttpHandler } from '../http/management-handler.js';
import { parseJsonBody, validate } from '../http/validation.js';

/** Each deletion resource's methods; the one function serves them all, picked by API Gateway's resource path (P20). */
const BY_RESOURCE: Readonly<Record<string, LambdaHttpHandler>> = {
  // A deleted account may call it again: the same deletion id comes back.
  '/v1/me': managementHandler({
    servesDeleted: true,
    routes: {
      DELETE: route({
        handle: async ({ accountId, username, event }) => {
          // The body is optional: a fresh sign-in needs none.
          const body = event.body?.trim() ? validate(deletionRequestSchema, parseJsonBody(event.body, event.isBase64Encoded)) : {};
          const authTime = (event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined)?.auth_time;
          const { deletionId } = await deletionService().request({ accountId, username, authTime, confirmation: body.confirmation });
          return { status: 202, body: { deletionId } };
        },
      }),
    },
  }),
  '/v1/me/deletion-token': managementHandler({
    routes: { POST: route({ handle: async ({ accountId }) => ({ status: 201, body: await deletionService().confirmation(accountId) }) }) },
  }),
  // The one route that answers a deleted account's user while they can still sign in.
  '/v1/me/deletion': managementHandler({
    servesDeleted: true,
    routes: { GET: route({ handle: async ({ accountId }) => ({ status: 200, body: await deletionService().ofAccount(accountId) }) }) },
  }),
};

/** DELETE /v1/me, POST /v1/me/deletion-token, GET /v1/me/deletion (docs/deletion.md). */
export const handler: LambdaHttpHandler = (event: APIGatewayProxyEvent, context: Context) =>
  (BY_RESOURCE[event.resource] ?? (BY_RESOURCE['/v1/me/deletion'] as LambdaHttpHandler))(event, context);
