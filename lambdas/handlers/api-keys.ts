import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { createApiKeysService, type ApiKeysService } from '../keys/api-keys-service.js';
import { createApiKeySchema, updateApiKeySchema } from '../keys/key-schemas.js';
import { createApiKeyRepository } from '../store/accounts-api-keys.js';

let service: ApiKeysService | undefined;
function apiKeys(): ApiKeysService {
  const { config, db } = managementContext();
  return (service ??= createApiKeysService({ store: createApiKeyRepository(db, config.tables.accounts) }));
}

/** GET / POST /v1/api-keys, PATCH / DELETE /v1/api-keys/{id}. */
export const handler = managementHandler({
  routes: {
    GET: route({ handle: async ({ accountId }) => ({ status: 200, body: { object: 'list', data: await apiKeys().list(accountId) } }) }),
    POST: route({
      body: createApiKeySchema,
      handle: async ({ accountId, account, body }) => ({ status: 201, body: await apiKeys().create(accountId, body, account) }),
    }),
    PATCH: route({
      body: updateApiKeySchema,
      handle: async ({ accountId, body, pathParameters }) => ({ status: 200, body: await apiKeys().update(accountId, pathParameters.id ?? '', body) }),
    }),
    DELETE: route({
      handle: async ({ accountId, pathParameters }) => {
        await apiKeys().revoke(accountId, pathParameters.id ?? '');
        return { status: 204 };
      },
    }),
  },
});
