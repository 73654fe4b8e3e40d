import { gatewayDeps } from '../gateway/container.js';
import { createModelsHandler } from '../inbound/openai/models.js';

/** `GET /v1/models` and `GET /v1/models/{id}` with a RouKey API key. */
export const handler = createModelsHandler(gatewayDeps);

/** For a host that loads this module itself, to hand the router parts of its wiring (gateway/container.ts). */
export { composeGateway } from '../gateway/container.js';
