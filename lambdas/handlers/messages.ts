import { gatewayDeps } from '../gateway/container.js';
import { createMessagesHandler } from '../inbound/anthropic/messages.js';

/** `POST /v1/messages` (Anthropic's Messages API): streamed by Lambda response streaming, for `stream` true and false alike. */
export const handler = awslambda.streamifyResponse(createMessagesHandler(gatewayDeps));

/** For a host that loads this module itself, to hand the router parts of its wiring (gateway/container.ts). */
export { composeGateway } from '../gateway/container.js';
