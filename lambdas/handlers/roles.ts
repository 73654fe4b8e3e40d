import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { classifyBodySchema } from '../configs/role-classification.js';
import { createRolesService, type RolesService } from '../configs/roles-service.js';
import { createRoleSchema } from '../configs/schemas.js';
import { managementContext } from '../http/management-context.js';
import { type LambdaHttpHandler, managementHandler, namedResourceRoutes, route } from '../http/management-handler.js';
import { validate } from '../http/validation.js';
import { roleBodySchema } from '../routing/config-schema.js';
import { createRoleRepository } from '../store/accounts-roles.js';

let service: RolesService | undefined;
function roles(): RolesService {
  const { config, db } = managementContext();
  return (service ??= createRolesService({ store: createRoleRepository(db, config.tables.accounts) }));
}

/** GET / POST /v1/roles; GET / PUT / DELETE /v1/roles/{name}. */
const rolesHandler = managementHandler({
  routes: {
    ...namedResourceRoutes(roles),
    POST: route({
      body: createRoleSchema,
      handle: async ({ accountId, account, body }) => ({ status: 201, body: await roles().create(accountId, body, account) }),
    }),
    PUT: route({
      body: roleBodySchema,
      handle: async ({ accountId, account, body, pathParameters }) => {
        // PUT may create, so the path's name is checked like a POSTed one.
        const { name } = validate(createRoleSchema.pick({ name: true }), { name: pathParameters.name });
        const { created, role } = await roles().put(accountId, { ...body, name }, account);
        return { status: created ? 201 : 200, body: role };
      },
    }),
  },
});

/** POST /v1/roles/classify `{ prompt, messages? }`: the role and confidence the local classifier gives it; nothing is stored (P1). */
const classifyHandler = managementHandler({
  routes: {
    POST: route({
      body: classifyBodySchema,
      handle: async ({ accountId, body }) => ({ status: 200, body: await roles().classify(accountId, body) }),
    }),
  },
});

/** One function for the roles resources, picked by API Gateway's resource path. */
export const handler: LambdaHttpHandler = (event: APIGatewayProxyEvent, context: Context) =>
  (event.resource === '/v1/roles/classify' ? classifyHandler : rolesHandler)(event, context);
