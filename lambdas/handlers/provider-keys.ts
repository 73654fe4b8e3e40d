import { createEnvelopeCipher } from '../crypto/envelope-cipher.js';
import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { assertSafeBaseUrl } from '../keys/base-url-guard.js';
import { createProviderKeySchema, updateProviderKeySchema } from '../keys/key-schemas.js';
import { createProviderKeysService, type ProviderKeysService } from '../keys/provider-keys-service.js';
import { createProviderKeyRepository } from '../store/accounts-provider-keys.js';

let service: ProviderKeysService | undefined;
function providerKeys(): ProviderKeysService {
  const { config, db } = managementContext();
  return (service ??= createProviderKeysService({
    store: createProviderKeyRepository(db, config.tables.accounts),
    cipher: createEnvelopeCipher(config),
    checkBaseUrl: (url) => assertSafeBaseUrl(url, { allowLoopback: config.allowLoopbackBaseUrl }),
  }));
}

/** GET / POST /v1/provider-keys, PATCH / DELETE /v1/provider-keys/{id}. */
export const handler = managementHandler({
  routes: {
    GET: route({ handle: async ({ accountId }) => ({ status: 200, body: { object: 'list', data: await providerKeys().list(accountId) } }) }),
    POST: route({
      body: createProviderKeySchema,
      handle: async ({ accountId, account, body }) => ({ status: 201, body: await providerKeys().create(accountId, body, account) }),
    }),
    PATCH: route({
      body: updateProviderKeySchema,
      handle: async ({ accountId, account, body, pathParameters }) => ({
        status: 200,
        body: await providerKeys().update(accountId, pathParameters.id ?? '', body, account),
      }),
    }),
    DELETE: route({
      handle: async ({ accountId, pathParameters }) => {
        await providerKeys().remove(accountId, pathParameters.id ?? '');
        return { status: 204 };
      },
    }),
  },
});
