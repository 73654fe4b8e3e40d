import { z } from 'zod';
import { roleBodySchema, routingConfigSchema } from '../routing/config-schema.js';

/** Request shapes of the config and role routes that config-schema.ts does not define as they are. */

/**
 * `PUT /v1/configs/{name}`: any JSON object here; once the path's name is filled in (configs-service.ts `nameFromPath`),
 * it is validated as a whole config with `routingConfigSchema`.
 */
export const replaceConfigSchema = z.record(z.string(), z.unknown(), { error: 'Request body must be a JSON object.' });

/** `/v1/roles/classify` is a route of its own, so no role may take its name. */
export const RESERVED_ROLE_NAMES: readonly string[] = ['classify'];

/** `POST /v1/roles`: a custom role, named in the body. */
export const createRoleSchema = roleBodySchema.extend({
  name: routingConfigSchema.shape.name.refine((name) => !RESERVED_ROLE_NAMES.includes(name), { error: 'is reserved for POST /v1/roles/classify' }),
});
