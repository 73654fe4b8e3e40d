import { gatewayDeps } from '../gateway/container.js';
import { createEmbeddingsHandler } from '../inbound/openai/embeddings.js';

/** `POST /v1/embeddings`, by Lambda response streaming like every route through the engine. */
export const handler = awslambda.streamifyResponse(createEmbeddingsHandler(gatewayDeps));

/** For a host that loads this module itself, to hand the router parts of its wiring (gateway/container.ts). */
export { composeGateway } from '../gateway/container.js';
