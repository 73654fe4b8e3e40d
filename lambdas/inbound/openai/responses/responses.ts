import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AccountStateKeys } from '../../../crypto/account-state-keys.js';
import { ClientDisconnectedError, inBandError } from '../../../gateway/client-errors.js';
import type { GatewayDeps } from '../../../gateway/deps.js';
import type { ChatAnswer, RouteOutcome } from '../../../gateway/engine/route-chat.js';
import { HeldStream } from '../../../gateway/transport/held-stream.js';
import { writeText, writeWholeAnswer } from '../../../gateway/transport/response-writer.js';
import { ApiError, toApiError } from '../../../http/errors.js';
import { parseRequestJson } from '../../../http/request-json.js';
import { bodyText } from '../../../http/request-event.js';
import { passedThroughEvent, servesResponses } from '../../../providers/openai/responses.js';
import type { ChatChunk } from '../../../providers/types.js';
import type { ApiKeyPrincipal } from '../../../gateway/ports.js';
import { apiKeyCaller } from '../../api-key.js';
import { reportRefusal } from '../../refusal-report.js';
import { createChatExchangeHandler, type ChatEdge, type OpenSuccess } from '../../chat-exchange.js';
import { plainAnswerHeaders } from '../../response-headers.js';
import { encodeTypedEvent } from '../sse.js';
import { completionAsChunk, hollowIds, retrievedResponse, sealedRendering } from './answer.js';
import { ResponseOutput } from './output.js';
import { readResponsesRequest, type ResponsesChatRequest, type SealedResponse } from './request.js';
import { ResponseState } from './state.js';

/** The router's services, and the keys that seal Responses API state into ids. */
export type ResponsesDeps = GatewayDeps & { readonly stateKeys: AccountStateKeys };

/**
 * `POST /v1/responses` (through the engine, like chat completions) and `GET /v1/responses/{id}` (from the id
 * alone), for `awslambda.streamifyResponse`.
 */
export function createResponsesHandler(getDeps: () => ResponsesDeps) {
  const exchange = createChatExchangeHandler(getDeps, responsesEdge(getDeps));
  return async (event: APIGatewayProxyEvent, responseStream: Writable, context?: unknown): Promise<void> => {
    if (event.httpMethod === 'GET') return retrieve(getDeps(), event, responseStream);
    return exchange(event, responseStream, context);
  };
}

/** The Responses API at the edge: the RouKey key (api-key.ts), Response JSON or its event stream, OpenAI errors. */
function responsesEdge(getDeps: () => ResponsesDeps): ChatEdge<ResponsesChatRequest> {
  return {
    name: 'responses request',
    operation: 'responses',
    authenticate: (deps, event) => apiKeyCaller(deps.authenticator, event.headers),
    async parse(event, caller) {
      const json = parseRequestJson(bodyText(event));
      return readResponsesRequest(json, await ResponseState.forAccount(getDeps().stateKeys, caller.accountId));
    },
    deliver,
    errorBody: (error) => JSON.stringify(error.toBody()),
  };
}

async function deliver(answer: ChatAnswer, request: ResponsesChatRequest, open: OpenSuccess, outcome: RouteOutcome): Promise<ApiError | undefined> {
  const passedThrough = outcome.target !== undefined && servesResponses(outcome.target.provider);
  const createdAt = Math.floor(Date.now() / 1000);
  if (answer.kind === 'json') {
    // Translated before the status goes out, so an unreadable answer is still an honest error status.
    const json = passedThrough
      ? answer.response.json
      : JSON.stringify(sealedRendering(request.responses, [completionAsChunk(answer.response.json)], createdAt).output.final());
    await writeText(open('application/json'), json);
    return undefined;
  }
  if (passedThrough) return relay(answer.chunks, open('text/event-stream'));
  if (request.responses.store) return deliverWhole(answer.chunks, request, open, createdAt);
  return deliverLive(answer.chunks, request, open('text/event-stream'), createdAt);
}

/** The provider's own events, as they came; a failure after them is one more event, numbered after the last. */
async function relay(chunks: AsyncIterable<ChatChunk>, out: Writable): Promise<ApiError | undefined> {
  let sequence = -1;
  try {
    for await (const chunk of chunks) {
      const event = passedThroughEvent(chunk);
      if (!event) continue;
      sequence = sequenceNumber(event.data) ?? sequence;
      await writeText(out, `event: ${event.event}\ndata: ${event.data}\n\n`);
    }
    return undefined;
  } catch (err) {
    const error = inBandError(err);
    const { code, message, param } = error.toBody().error;
    await writeText(out, encodeTypedEvent({ type: 'error', code, message, param, sequence_number: sequence + 1 }));
    return error;
  }
}

function sequenceNumber(data: string): number | undefined {
  const match = /"sequence_number"\s*:\s*(\d+)/.exec(data);
  return match ? Number(match[1]) : undefined;
}

/**
 * `store` not false: the caller may reference this answer's ids later, so they must carry their items, which exist
 * only once the answer is whole. The events go out then, all of them. A failure before anything was sent is an
 * honest error status; a long answer keeps its client's connection alive meanwhile (HeldStream), and a failure
 * after that is an error event.
 */
async function deliverWhole(
  chunks: AsyncIterable<ChatChunk>,
  request: ResponsesChatRequest,
  open: OpenSuccess,
  createdAt: number,
): Promise<ApiError | undefined> {
  const stream = new HeldStream(() => open('text/event-stream'));
  try {
    const held: ChatChunk[] = [];
    for await (const chunk of chunks) held.push(chunk);
    const { events } = sealedRendering(request.responses, held, createdAt);
    await writeText(stream.release(), events.map(encodeTypedEvent).join(''));
    return undefined;
  } catch (err) {
    if (!stream.opened || err instanceof ClientDisconnectedError) throw err;
    const error = inBandError(err);
    const { code, message, param } = error.toBody().error;
    await writeText(stream.release(), encodeTypedEvent({ type: 'error', code, message, param, sequence_number: 0 }));
    return error;
  } finally {
    stream.stop();
  }
}

/** `store: false`: the caller keeps its own state, so the answer streams as it comes, under hollow ids. */
async function deliverLive(chunks: AsyncIterable<ChatChunk>, request: ResponsesChatRequest, out: Writable, createdAt: number): Promise<ApiError | undefined> {
  const output = new ResponseOutput(hollowIds(request.responses.state), request.responses.echo, createdAt);
  const write = (events: readonly { type: string }[]) => writeText(out, events.map(encodeTypedEvent).join(''));
  try {
    await write(output.start());
    for await (const chunk of chunks) {
      const events = output.push(chunk);
      if (events.length > 0) await write(events);
    }
    await write(output.finish());
    return undefined;
  } catch (err) {
    const error = inBandError(err);
    await write([output.fail(error)]);
    return error;
  }
}

/** `GET /v1/responses/{id}`: the Response a sealed id carries. Nothing is looked up: there is nothing stored. */
async function retrieve(deps: ResponsesDeps, event: APIGatewayProxyEvent, responseStream: Writable): Promise<void> {
  const requestId = event.requestContext?.requestId;
  let status = 200;
  let body: unknown;
  let headers = plainAnswerHeaders(requestId);
  let caller: ApiKeyPrincipal | undefined;
  try {
    caller = await apiKeyCaller(deps.authenticator, event.headers);
    await deps.gate.assertActive(caller);
    const id = pathId(event.pathParameters?.id);
    const state = await ResponseState.forAccount(deps.stateKeys, caller.accountId);
    body = retrievedResponse(state, id, state.require(['response'], id, 'response_id') as SealedResponse);
  } catch (err) {
    if (err instanceof ClientDisconnectedError) return;
    reportRefusal(deps.securityEvents, err, caller, event);
    const apiError = toApiError(err);
    status = apiError.status;
    headers = plainAnswerHeaders(requestId, apiError.headers);
    body = apiError.toBody();
  }
  await writeWholeAnswer(responseStream, status, headers, JSON.stringify(body));
  await deps.securityEvents.flush();
}

/** The id as sent: API Gateway passes path parameters still encoded. */
function pathId(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    throw new ApiError('invalid_request', 'The response id is not a valid URL path segment.', { param: 'response_id' });
  }
}
