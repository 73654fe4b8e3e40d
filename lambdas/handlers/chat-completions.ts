import { createChatCompletionsHandler } from '../inbound/openai/chat-completions.js';
import { gatewayDeps } from '../gateway/container.js';

/** `POST /v1/chat/completions`: streamed by Lambda response streaming, for `stream` true and false alike. */
export const handler = awslambda.streamifyResponse(createChatCompletionsHandler(gatewayDeps));
