import { createConfigsService, nameFromPath, type ConfigsService } from '../configs/configs-service.js';
import { replaceConfigSchema } from '../configs/schemas.js';
import { managementContext } from '../http/management-context.js';
import { managementHandler, namedResourceRoutes, route } from '../http/management-handler.js';
import { validate } from '../http/validation.js';
import { routingConfigSchema } from '../routing/config-schema.js';
import { createApiKeyRepository } from '../store/accounts-api-keys.js';
import { createConfigRepository } from '../store/accounts-configs.js';

let service: ConfigsService | undefined;
function configs(): ConfigsService {
  const { config, db } = managementContext();
  return (service ??= createConfigsService({
    store: createConfigRepository(db, config.tables.accounts),
    apiKeys: createApiKeyRepository(db, config.tables.accounts),
  }));
}

/** GET / POST /v1/configs; GET / PUT / DELETE /v1/configs/{name}. */
export const handler = managementHandler({
  routes: {
    ...namedResourceRoutes(configs),
    POST: route({
      body: routingConfigSchema,
      handle: async ({ accountId, account, body }) => ({ status: 201, body: await configs().create(accountId, body, account) }),
    }),
    PUT: route({
      body: replaceConfigSchema,
      handle: async ({ accountId, account, body, pathParameters }) => {
        const config = validate(routingConfigSchema, nameFromPath(pathParameters.name ?? '', body));
        return { status: 200, body: await configs().replace(accountId, config, account) };
      },
    }),
  },
});
