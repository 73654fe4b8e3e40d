import { ApiError, toApiError } from '../../http/errors.js';
import { UpstreamError } from '../../providers/types.js';
import type { AbortSwitch } from '../transport/abort-switch.js';
import { AttemptRun } from './attempt-loop.js';
import type { DeliverAnswer } from './answer.js';
import type { ClientChatRequest } from '../../inbound/openai/chat-request.js';
import { upstreamFailureToApiError } from '../client-errors.js';
import type { GatewayDeps } from '../deps.js';
import type { RequestHeaders } from '../../http/request-event.js';
import type { RequestLog } from '../../inbound/request-record.js';
import { selectRoute } from './route-selection.js';
import { ClientDisconnectedError } from '../transport/upstream-call.js';

export type { ChatAnswer, DeliverAnswer } from './answer.js';

/**
 * Routes an authenticated caller's request: chooses the route (a config's strategy, an inline list or one
 * target), then tries its targets until one answers, meters the answer into `log` and hands it to `deliver`.
 * The upstream call ends when `deliver` returns. Failures before the answer are thrown (ApiError, UpstreamError,
 * ClientDisconnectedError).
 */
export async function routeChat(deps: GatewayDeps, request: ClientChatRequest, headers: RequestHeaders, log: RequestLog, clientSignal: AbortSwitch, deliver: DeliverAnswer): Promise<void> {
  const { decision, policy } = await selectRoute(deps, { request, log, headers, clientSignal });
  await new AttemptRun(deps, decision, policy, request, log, clientSignal).run(deliver);
}

/**
 * A failure after the first byte, as the error to put in the stream (the status is sent already, so the
 * failure goes in-band, never a silent truncation). A client that has gone is rethrown: nobody is listening.
 */
export function midStreamFailure(err: unknown, log: RequestLog): ApiError {
  if (err instanceof ClientDisconnectedError) throw err;
  const apiError = err instanceof UpstreamError ? upstreamFailureToApiError(err.failure) : toApiError(err);
  log.errorType = apiError.kind;
  return apiError;
}
