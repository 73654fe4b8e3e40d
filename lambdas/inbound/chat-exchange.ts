import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isAccountDeleted } from '../accounts/account-state.js';
import { clientError, ClientDisconnectedError } from '../gateway/client-errors.js';
import { errorName, type GatewayDeps } from '../gateway/deps.js';
import { NOTHING_ROUTED } from '../gateway/engine/outcome.js';
import { requestMetricsLine } from '../gateway/request-metrics.js';
import { routeChat, type ChatAnswer, type ClientChatRequest, type RouteOutcome } from '../gateway/engine/route-chat.js';
import type { Admission, ApiKeyPrincipal } from '../gateway/ports.js';
import { AbortSwitch } from '../gateway/transport/abort-switch.js';
import { endResponse, openResponse, writeText } from '../gateway/transport/response-writer.js';
import { ApiError } from '../http/errors.js';
import type { RequestLimitName } from '../limits/allowance.js';
import { UpstreamError } from '../providers/types.js';
import type { ActivityErrorType, Operation } from '../store/activity-record.js';
import { assertAdmitted } from './admission.js';
import { reportRefusal } from './refusal-report.js';
import { CLIENT_CLOSED_REQUEST, recordAfterResponse } from './request-record.js';
import { chatAnswerHeaders, rateLimitHeaders } from './response-headers.js';

/** Sends the 200 status line with the routing headers and returns the stream to write the body to. */
export type OpenSuccess = (contentType: string) => Writable;

/**
 * One inbound wire format (OpenAI's, Anthropic's, the Responses API): how it authenticates, reads requests and
 * writes answers. `R` is what its `parse` makes, handed back to its `deliver`.
 */
export interface ChatEdge<R extends ClientChatRequest = ClientChatRequest> {
  /** The caller, or a 401 ApiError. */
  authenticate(deps: GatewayDeps, event: APIGatewayProxyEvent): Promise<ApiKeyPrincipal>;
  /** The request in the engine's OpenAI shape, or a 400 ApiError naming the field. */
  parse(event: APIGatewayProxyEvent, caller: ApiKeyPrincipal): R | Promise<R>;
  /** Writes a successful answer; a failure after the first byte goes in-band (`inBandError`) and is returned. */
  deliver(answer: ChatAnswer, request: R, open: OpenSuccess, outcome: RouteOutcome): Promise<ApiError | undefined>;
  /** The JSON body of an error sent before the first byte. */
  errorBody(error: ApiError): string;
  /** What a failed request is called in the log line of an unexpected error. */
  readonly name: string;
  /** The API this edge serves, as the activity record names it. */
  readonly operation: Operation;
}

/** One request's exchange with its client. */
interface Exchange {
  readonly requestId: string;
  readonly receivedAt: number;
  readonly client: AbortSwitch;
  readonly responseStream: Writable;
}

/** How the request was served, for its activity record. */
interface Served {
  /** Absent when the request was not authenticated: it belongs to no account, so nothing is recorded. */
  readonly caller?: ApiKeyPrincipal;
  readonly stream: boolean;
  readonly status: number;
  readonly errorType?: ActivityErrorType;
  /** The error's code, for the metric of the limit that refused the request. */
  readonly errorCode?: string;
  readonly outcome: RouteOutcome;
  /** Whether the request limits let it through (its tokens then count against the month). */
  readonly admitted: boolean;
  /** The limit that refused it: it never reached a provider. */
  readonly refusedBy?: RequestLimitName;
}

/**
 * One request through an edge and the engine, for `awslambda.streamifyResponse`: streamed and whole answers
 * alike. The activity record and the key's last-use touch happen after the response has ended.
 */
export function createChatExchangeHandler<R extends ClientChatRequest>(getDeps: () => GatewayDeps, edge: ChatEdge<R>) {
  return async (event: APIGatewayProxyEvent, responseStream: Writable, _context?: unknown): Promise<void> => {
    const deps = getDeps();
    const exchange: Exchange = {
      requestId: event.requestContext?.requestId ?? randomUUID(),
      receivedAt: Date.now(),
      client: new AbortSwitch(),
      responseStream,
    };
    // A client that goes away aborts the upstream request (the responseStream closes or errors first).
    const onClientGone = () => {
      if (!responseStream.writableFinished) exchange.client.abort();
    };
    responseStream.on('close', onClientGone);
    responseStream.on('error', onClientGone);

    const served = await serve(deps, edge, event, exchange);
    const latencyMs = Date.now() - exchange.receivedAt;
    await endResponse(responseStream);
    responseStream.off('close', onClientGone);
    deps.metrics?.(requestMetricsLine({ ...served, latencyMs }));
    if (served.caller) {
      const { requestId, receivedAt } = exchange;
      const { stream, status, errorType, outcome, admitted, refusedBy } = served;
      await recordAfterResponse(deps, served.caller, {
        requestId,
        receivedAt,
        latencyMs,
        stream,
        status,
        errorType,
        outcome,
        admitted,
        refusedBy,
        operation: edge.operation,
      });
      await deps.routing.sync?.flush();
    }
    await deps.securityEvents.flush();
  };
}

/** Authenticates, parses and routes the request, and answers it: with the engine's answer, or an error before the first byte. */
async function serve<R extends ClientChatRequest>(deps: GatewayDeps, edge: ChatEdge<R>, event: APIGatewayProxyEvent, exchange: Exchange): Promise<Served> {
  let caller: ApiKeyPrincipal | undefined;
  let admission: Admission | undefined;
  let stream = false;
  // Set once the answer's status line is out: from then on, failures go in-band.
  let status = 0;
  const failed = async (err: unknown, outcome: RouteOutcome): Promise<Served> => {
    // A deleted account's key: refused as if unknown, so nothing (record, last use, event) is written under the account.
    const known = isAccountDeleted(err) ? undefined : caller;
    reportRefusal(deps.securityEvents, err, known, event);
    const failure = await answerFailure(deps, edge, err, exchange, status, outcome, rateLimitHeaders(admission));
    const refusedBy = admission?.refused?.limit;
    return { caller: known, stream, outcome, admitted: admission !== undefined && !refusedBy, ...(refusedBy ? { refusedBy } : {}), ...failure };
  };
  try {
    caller = await edge.authenticate(deps, event);
    // Limits before anything else is read or routed: a refused request costs no parsing and never reaches a provider.
    admission = await deps.gate.admit(caller);
    assertAdmitted(admission);
    const request = await edge.parse(event, caller);
    stream = request.stream;
    const inbound = { caller, request, headers: event.headers, receivedAt: exchange.receivedAt, clientSignal: exchange.client };
    const routed = await routeChat(deps, inbound, (answer, outcome) =>
      edge.deliver(
        answer,
        request,
        (contentType) => {
          status = 200;
          // Made for this answer and not added to after, so they go out as they are.
          return openResponse(exchange.responseStream, 200, chatAnswerHeaders(exchange.requestId, outcome, contentType, rateLimitHeaders(admission)));
        },
        outcome,
      ),
    );
    if (!routed.ok) return failed(routed.error, routed.outcome);
    return { caller, stream, status, errorType: routed.delivered?.kind, outcome: routed.outcome, admitted: true };
  } catch (err) {
    return failed(err, NOTHING_ROUTED);
  }
}

/** Errors before the first byte become the edge's JSON error with its faithful status, and the routing headers known so far. */
async function answerFailure(
  deps: GatewayDeps,
  edge: Pick<ChatEdge, 'errorBody' | 'name'>,
  err: unknown,
  exchange: Exchange,
  status: number,
  outcome: RouteOutcome,
  limitHeaders: Readonly<Record<string, string>>,
): Promise<{ status: number; errorType: ActivityErrorType; errorCode?: string }> {
  const { requestId, responseStream } = exchange;
  if (err instanceof ClientDisconnectedError || responseStream.destroyed) return { status: status || CLIENT_CLOSED_REQUEST, errorType: 'client_disconnected' };
  const apiError = clientError(err);
  if (!(err instanceof ApiError) && !(err instanceof UpstreamError)) {
    // An unexpected failure (a 500): log its name only, as messages of library errors may quote input (P1).
    deps.log({ level: 'error', msg: `${edge.name} failed`, requestId, error: errorName(err) });
  }
  const errorCode = apiError.options.code;
  if (status) return { status, errorType: apiError.kind, errorCode }; // the status line is out already (should not happen: streams report failures in-band)
  const out = openResponse(
    responseStream,
    apiError.status,
    chatAnswerHeaders(requestId, outcome, 'application/json', { ...limitHeaders, ...apiError.headers }),
  );
  await Promise.resolve(writeText(out, edge.errorBody(apiError))).catch(() => undefined);
  return { status: apiError.status, errorType: apiError.kind, errorCode };
}
