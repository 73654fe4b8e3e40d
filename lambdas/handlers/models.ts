import { gatewayDeps } from '../gateway/container.js';
import { createModelsHandler } from '../gateway/models-handler.js';

/** `GET /v1/models` with a RouKey API key. */
export const handler = createModelsHandler(gatewayDeps);
