import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { inBandError } from '../../gateway/client-errors.js';
import type { GatewayDeps } from '../../gateway/deps.js';
import type { ChatAnswer, ClientChatRequest } from '../../gateway/engine/route-chat.js';
import { writeText } from '../../gateway/transport/response-writer.js';
import type { ApiError } from '../../http/errors.js';
import { parseRequestJson } from '../../http/request-json.js';
import { bodyText } from '../../http/request-event.js';
import { apiKeyCaller } from '../api-key.js';
import { createChatExchangeHandler, type ChatEdge, type OpenSuccess } from '../chat-exchange.js';
import { countTokens } from './count-tokens.js';
import { anthropicErrorBody } from './errors.js';
import { AnthropicStreamTranslator, encodeAnthropicEvent } from './stream-events.js';
import { messagesToChatRequest } from './to-chat-request.js';
import { completionToMessage } from './to-message.js';

/** Anthropic's Messages API at the edge: `x-api-key` (or Bearer) `rk_…` keys, Message JSON or SSE events, Anthropic errors. */
export const anthropicEdge: ChatEdge = {
  name: 'messages request',
  operation: 'messages',
  authenticate: (deps, event) => apiKeyCaller(deps.authenticator, event.headers),
  parse: (event) => messagesToChatRequest(parseRequestJson(bodyText(event))),
  deliver,
  errorBody: (error) => JSON.stringify(anthropicErrorBody(error)),
};

/** `POST /v1/messages` and `POST /v1/messages/count_tokens`, for `awslambda.streamifyResponse`. */
export function createMessagesHandler(getDeps: () => GatewayDeps) {
  const exchange = createChatExchangeHandler(getDeps, anthropicEdge);
  return async (event: APIGatewayProxyEvent, responseStream: Writable, context?: unknown): Promise<void> => {
    if (event.resource === COUNT_TOKENS_PATH) return countTokens(getDeps(), event, responseStream);
    return exchange(event, responseStream, context);
  };
}

const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

async function deliver(answer: ChatAnswer, request: ClientChatRequest, open: OpenSuccess): Promise<ApiError | undefined> {
  if (answer.kind === 'json') {
    // Translated before the status goes out, so an unreadable answer is still an honest error status.
    const message = JSON.stringify(completionToMessage(answer.response.json, request.model));
    await writeText(open('application/json'), message);
    return undefined;
  }
  const out = open('text/event-stream');
  const translator = new AnthropicStreamTranslator(request.model);
  try {
    for await (const chunk of answer.chunks) for (const event of translator.push(chunk)) await writeText(out, encodeAnthropicEvent(event));
    for (const event of translator.end()) await writeText(out, encodeAnthropicEvent(event));
    return undefined;
  } catch (err) {
    const error = inBandError(err);
    await writeText(out, encodeAnthropicEvent(anthropicErrorBody(error)));
    return error;
  }
}
