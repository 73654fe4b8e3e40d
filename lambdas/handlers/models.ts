import { gatewayDeps } from '../gateway/container.js';
import { createModelsHandler } from '../inbound/openai/models.js';

/** `GET /v1/models` with a RouKey API key. */
export const handler = createModelsHandler(gatewayDeps);
