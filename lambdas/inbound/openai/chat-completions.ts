import { inBandError } from '../../gateway/client-errors.js';
import type { GatewayDeps } from '../../gateway/deps.js';
import type { ChatAnswer, ClientChatRequest } from '../../gateway/engine/route-chat.js';
import { writeText } from '../../gateway/transport/response-writer.js';
import type { ApiError } from '../../http/errors.js';
import { bodyText } from '../../http/request-event.js';
import { apiKeyCaller } from '../api-key.js';
import { createChatExchangeHandler, type ChatEdge, type OpenSuccess } from '../chat-exchange.js';
import { parseChatRequest } from './chat-request.js';
import { encodeSseChunk, encodeSseError, SSE_DONE } from './sse.js';

/** OpenAI's wire format at the edge: the RouKey key (api-key.ts), chat completion JSON or SSE chunks, OpenAI errors. */
export const openAiEdge: ChatEdge = {
  name: 'chat completion',
  operation: 'chat',
  authenticate: (deps, event) => apiKeyCaller(deps.authenticator, event.headers),
  parse: (event) => parseChatRequest(bodyText(event)),
  deliver,
  errorBody: (error) => JSON.stringify(error.toBody()),
};

/** `POST /v1/chat/completions` for `awslambda.streamifyResponse`. */
export function createChatCompletionsHandler(getDeps: () => GatewayDeps) {
  return createChatExchangeHandler(getDeps, openAiEdge);
}

async function deliver(answer: ChatAnswer, _request: ClientChatRequest, open: OpenSuccess): Promise<ApiError | undefined> {
  if (answer.kind === 'json') {
    await writeText(open('application/json'), answer.response.json);
    return undefined;
  }
  const out = open('text/event-stream');
  try {
    for await (const chunk of answer.chunks) await writeText(out, encodeSseChunk(chunk));
    await writeText(out, SSE_DONE);
    return undefined;
  } catch (err) {
    const error = inBandError(err);
    await writeText(out, encodeSseError(error.toBody()));
    return error;
  }
}
