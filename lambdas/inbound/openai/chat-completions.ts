import { midStreamFailure, type ChatAnswer } from '../../gateway/engine/route-chat.js';
import { createChatExchangeHandler, type ChatEdge, type OpenSuccess } from '../chat-exchange.js';
import { parseChatRequest, type ClientChatRequest } from './chat-request.js';
import type { GatewayDeps } from '../../gateway/deps.js';
import { authenticateApiKey, bodyText } from '../../http/request-event.js';
import type { RequestLog } from '../request-record.js';
import { writeText } from '../../gateway/transport/response-writer.js';
import { encodeSseChunk, encodeSseError, SSE_DONE } from './sse.js';

/** OpenAI's wire format at the edge: `Authorization: Bearer rk_…`, chat completion JSON or SSE chunks, OpenAI errors. */
export const openAiEdge: ChatEdge = {
  name: 'chat completion',
  authenticate: (deps, event) => authenticateApiKey(deps.authenticator, event),
  parse: (event) => parseChatRequest(bodyText(event)),
  deliver: deliverOpenAi,
  errorBody: (error) => JSON.stringify(error.toBody()),
};

/** `POST /v1/chat/completions` for `awslambda.streamifyResponse`. */
export function createChatCompletionsHandler(getDeps: () => GatewayDeps) {
  return createChatExchangeHandler(getDeps, openAiEdge);
}

async function deliverOpenAi(answer: ChatAnswer, _request: ClientChatRequest, open: OpenSuccess, log: RequestLog): Promise<void> {
  if (answer.kind === 'json') {
    await writeText(open('application/json'), answer.response.json);
    return;
  }
  const out = open('text/event-stream');
  try {
    for await (const chunk of answer.chunks) await writeText(out, encodeSseChunk(chunk));
    await writeText(out, SSE_DONE);
  } catch (err) {
    await writeText(out, encodeSseError(midStreamFailure(err, log).toBody()));
  }
}
