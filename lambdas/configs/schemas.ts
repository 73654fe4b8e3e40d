import { z } from 'zod';
import { roleBodySchema, routingConfigSchema } from '../routing/config-schema.js';

/** Request shapes of the config and role routes that config-schema.ts does not define as they are. */

/**
 * `PUT /v1/configs/{name}`: any JSON object here; once the path's name is filled in (configs-service.ts `nameFromPath`),
 * it is validated as a whole config with `routingConfigSchema`.
 */
export const replaceConfigSchema = z.record(z.string(), z.unknown(), { error: 'Request body must be a JSON object.' });

/** `POST /v1/roles`: a custom role, named in the body. */
export const createRoleSchema = roleBodySchema.extend({ name: routingConfigSchema.shape.name });
