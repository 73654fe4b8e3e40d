import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError, toApiError } from '../http/errors.js';
import { UpstreamError } from '../providers/types.js';
import { AbortSwitch } from '../gateway/transport/abort-switch.js';
import { routeChat, type ChatAnswer } from '../gateway/engine/route-chat.js';
import type { ClientChatRequest } from './openai/chat-request.js';
import { upstreamFailureToApiError } from '../gateway/client-errors.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { ApiKeyPrincipal } from '../gateway/ports.js';
import { CLIENT_CLOSED_REQUEST, errorName, newRequestLog, recordAfterResponse, type RequestLog } from './request-record.js';
import { endResponse, openResponse, writeText } from '../gateway/transport/response-writer.js';
import { ClientDisconnectedError } from '../gateway/transport/upstream-call.js';

/** Sends the 200 status line with the routing headers and returns the stream to write the body to. */
export type OpenSuccess = (contentType: string) => Writable;

/** One inbound wire format (OpenAI's, Anthropic's): how it authenticates, reads requests and writes answers. */
export interface ChatEdge {
  /** The caller, or a 401 ApiError. */
  authenticate(deps: GatewayDeps, event: APIGatewayProxyEvent): Promise<ApiKeyPrincipal>;
  /** The request in the engine's OpenAI shape, or a 400 ApiError naming the field. */
  parse(event: APIGatewayProxyEvent): ClientChatRequest;
  /** Writes a successful answer (mid-stream failures in-band, through `midStreamFailure`). */
  deliver(answer: ChatAnswer, request: ClientChatRequest, open: OpenSuccess, log: RequestLog): Promise<void>;
  /** The JSON body of an error sent before the first byte. */
  errorBody(error: ApiError): string;
  /** What a failed request is called in the log line of an unexpected error. */
  readonly name: string;
}

/**
 * One request through an edge and the engine, for `awslambda.streamifyResponse`: streamed and whole answers
 * alike. The activity record and the key's last-use touch happen after the response has ended.
 */
export function createChatExchangeHandler(getDeps: () => GatewayDeps, edge: ChatEdge) {
  return async (event: APIGatewayProxyEvent, responseStream: Writable, _context?: unknown): Promise<void> => {
    const deps = getDeps();
    const log = newRequestLog(event);
    // A client that goes away aborts the upstream request (the responseStream closes or errors first).
    const client = new AbortSwitch();
    const onClientGone = () => {
      if (!responseStream.writableFinished) client.abort();
    };
    responseStream.on('close', onClientGone);
    responseStream.on('error', onClientGone);

    try {
      log.principal = await edge.authenticate(deps, event);
      const request = edge.parse(event);
      log.stream = request.stream;
      const open: OpenSuccess = (contentType) => {
        log.status = 200;
        // The headers as they are, not a copy: nothing adds to them once the answer is open.
        log.headers['content-type'] = contentType;
        return openResponse(responseStream, 200, log.headers);
      };
      await routeChat(deps, request, event.headers, log, client, (answer) => edge.deliver(answer, request, open, log));
    } catch (err) {
      await answerFailure(deps, edge, err, log, responseStream);
    }
    const latencyMs = Date.now() - log.startedAt;
    await endResponse(responseStream);
    responseStream.off('close', onClientGone);
    await recordAfterResponse(deps, log, latencyMs);
  };
}

/** Errors before the first byte become the edge's JSON error with its faithful status. */
async function answerFailure(deps: GatewayDeps, edge: ChatEdge, err: unknown, log: RequestLog, responseStream: Writable): Promise<void> {
  if (err instanceof ClientDisconnectedError || responseStream.destroyed) {
    log.errorType = 'client_disconnected';
    if (!log.status) log.status = CLIENT_CLOSED_REQUEST;
    return;
  }
  const apiError = err instanceof UpstreamError ? upstreamFailureToApiError(err.failure) : toApiError(err);
  if (!(err instanceof ApiError) && !(err instanceof UpstreamError)) {
    // An unexpected failure: log its name only, as messages of library errors may quote input (P1).
    log.errorType = 'internal';
    deps.log({ level: 'error', msg: `${edge.name} failed`, requestId: log.requestId, error: errorName(err) });
  } else {
    log.errorType = apiError.kind;
  }
  if (log.status) return; // the status line is out already (should not happen: streams report failures in-band)
  log.status = apiError.status;
  const out = openResponse(responseStream, apiError.status, { ...log.headers, ...apiError.headers, 'content-type': 'application/json' });
  await Promise.resolve(writeText(out, edge.errorBody(apiError))).catch(() => undefined);
}
