import { responsesDeps } from '../gateway/container.js';
import { createResponsesHandler } from '../inbound/openai/responses/responses.js';

/** `POST /v1/responses` (streamed or not) and `GET /v1/responses/{id}`, by Lambda response streaming. */
export const handler = awslambda.streamifyResponse(createResponsesHandler(responsesDeps));

/** For a host that loads this module itself, to hand the router parts of its wiring (gateway/container.ts). */
export { composeGateway } from '../gateway/container.js';
