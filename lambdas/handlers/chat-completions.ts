import { gatewayDeps } from '../gateway/container.js';
import { createChatCompletionsHandler } from '../inbound/openai/chat-completions.js';

/** `POST /v1/chat/completions`: streamed by Lambda response streaming, for `stream` true and false alike. */
export const handler = awslambda.streamifyResponse(createChatCompletionsHandler(gatewayDeps));

/** For a host that loads this module itself, to hand the router parts of its wiring (gateway/container.ts). */
export { composeGateway } from '../gateway/container.js';
