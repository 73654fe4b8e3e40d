import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError, toApiError } from '../http/errors.js';
import { providerAdapter } from '../providers/registry.js';
import { UpstreamError, type ChatRequest, type ProviderAdapter, type UpstreamResponse } from '../providers/types.js';
import type { UpstreamCredentials, ApiKeyPrincipal } from './ports.js';
import { isFinishReason, type ActivityErrorType } from '../store/activity-record.js';
import { parseChatRequest } from './chat-request.js';
import { upstreamFailureToApiError } from './error-mapping.js';
import type { GatewayDeps } from './gateway-deps.js';
import { authenticateApiKey, bodyText } from './request-context.js';
import { endResponse, openResponse, writeText } from './response-writer.js';
import { encodeSseChunk, encodeSseError, SSE_DONE } from './sse-encoder.js';
import { StreamMeter, usageFields, type Metering } from './stream-meter.js';
import { clientChunks } from './stream-pipe.js';
import { ClientDisconnectedError, UpstreamAttempt } from './upstream-attempt.js';

/** What is known about a request as it goes; becomes its activity record once the response has ended. */
interface RequestLog {
  readonly requestId: string;
  readonly startedAt: number;
  principal?: ApiKeyPrincipal;
  stream: boolean;
  status: number;
  credentials?: UpstreamCredentials;
  model?: string;
  metering: Metering;
  errorType?: ActivityErrorType;
  headers: Record<string, string>;
}

/** A status for the record when the client left before any status was sent (nginx's convention). */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * `POST /v1/chat/completions` for `awslambda.streamifyResponse`: stream and non-stream answers both go through
 * here. The activity record and the key's last-use touch happen after the response has ended.
 */
export function createChatCompletionsHandler(getDeps: () => GatewayDeps) {
  return async (event: APIGatewayProxyEvent, responseStream: Writable, _context?: unknown): Promise<void> => {
    const deps = getDeps();
    const requestId = event.requestContext?.requestId ?? randomUUID();
    const log: RequestLog = {
      requestId,
      startedAt: Date.now(),
      stream: false,
      status: 0,
      metering: {},
      headers: { 'x-roukey-request-id': requestId, 'cache-control': 'no-cache' },
    };
    // A client that goes away aborts the upstream request (the responseStream closes or errors first).
    const client = new AbortController();
    const onClientGone = () => {
      if (!responseStream.writableFinished) client.abort();
    };
    responseStream.on('close', onClientGone);
    responseStream.on('error', onClientGone);

    try {
      log.principal = await authenticateApiKey(deps.authenticator, event);
      const request = parseChatRequest(bodyText(event));
      log.stream = request.stream;
      await routeRequest(deps, request, log, responseStream, client.signal);
    } catch (err) {
      await answerFailure(deps, err, log, responseStream);
    }
    const latencyMs = Date.now() - log.startedAt;
    await endResponse(responseStream);
    responseStream.off('close', onClientGone);
    await recordAfterResponse(deps, log, latencyMs);
  };
}

async function routeRequest(deps: GatewayDeps, request: ChatRequest, log: RequestLog, responseStream: Writable, clientSignal: AbortSignal): Promise<void> {
  const credentials = await deps.providerKeys.byName(log.principal!.accountId, request.providerKeyName);
  if (!credentials) {
    throw new ApiError('not_found', `No provider key named "${request.providerKeyName}" in this account.`, { param: 'model', code: 'provider_key_not_found' });
  }
  log.credentials = credentials;
  log.model = request.model;
  log.headers['x-roukey-provider'] = credentials.provider;
  // As the caller names models (`<provider-key name>/<model>`), so it can be sent back as is.
  log.headers['x-roukey-model'] = `${request.providerKeyName}/${request.model}`;
  if (credentials.baseUrl !== undefined) await guardBaseUrl(deps, credentials.baseUrl);

  const adapter = providerAdapter(credentials.provider);
  const attempt = new UpstreamAttempt(clientSignal, request.stream ? deps.timeouts.streamFirstTokenMs : deps.timeouts.responseMs);
  try {
    const response = await attempt.send(adapter.chatRequest(request, credentials), adapter);
    if (request.stream) await streamAnswer(adapter, response, request, attempt, log, responseStream);
    else await jsonAnswer(adapter, response, attempt, log, responseStream);
  } finally {
    attempt.close();
  }
}

async function jsonAnswer(adapter: ProviderAdapter, response: UpstreamResponse, attempt: UpstreamAttempt, log: RequestLog, responseStream: Writable): Promise<void> {
  const answer = await adapter.readChatResponse(response).catch((err: unknown) => {
    throw attempt.classify(err);
  });
  attempt.disarm();
  log.metering.usage = answer.usage;
  if (isFinishReason(answer.finishReason)) log.metering.finishReason = answer.finishReason;
  log.status = 200;
  const out = openResponse(responseStream, 200, { ...log.headers, 'content-type': 'application/json' });
  await writeText(out, answer.json);
}

async function streamAnswer(
  adapter: ProviderAdapter,
  response: UpstreamResponse,
  request: ChatRequest,
  attempt: UpstreamAttempt,
  log: RequestLog,
  responseStream: Writable,
): Promise<void> {
  const meter = new StreamMeter(log.startedAt);
  log.metering = meter.metering;
  const chunks = clientChunks(adapter.readChatStream(response.body), meter, request.includeUsage)[Symbol.asyncIterator]();
  // Waiting for the first chunk before sending the status keeps a stream that fails at once an honest error status.
  const first = await chunks.next().catch((err: unknown) => {
    throw attempt.classify(err);
  });
  attempt.disarm();
  log.status = 200;
  const out = openResponse(responseStream, 200, { ...log.headers, 'content-type': 'text/event-stream' });
  try {
    if (!first.done) {
      await writeText(out, encodeSseChunk(first.value));
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) await writeText(out, encodeSseChunk(next.value));
    }
    await writeText(out, SSE_DONE);
  } catch (err) {
    const failure = attempt.classify(err);
    if (failure instanceof ClientDisconnectedError) throw failure;
    // After the first byte the status is sent: the failure goes in the stream, never a silent truncation.
    const apiError = failure instanceof UpstreamError ? upstreamFailureToApiError(failure.failure) : toApiError(failure);
    log.errorType = apiError.kind;
    await writeText(out, encodeSseError(apiError.toBody()));
  } finally {
    await chunks.return?.(undefined);
  }
}

async function guardBaseUrl(deps: GatewayDeps, baseUrl: string): Promise<void> {
  try {
    await deps.assertSafeBaseUrl(baseUrl);
  } catch {
    throw new ApiError('upstream_error', "The provider key's base URL is not allowed (it must be public and use https).", { code: 'base_url_refused' });
  }
}

/** Errors before the first byte become an OpenAI-shaped JSON error with its faithful status. */
async function answerFailure(deps: GatewayDeps, err: unknown, log: RequestLog, responseStream: Writable): Promise<void> {
  if (err instanceof ClientDisconnectedError || responseStream.destroyed) {
    log.errorType = 'client_disconnected';
    if (!log.status) log.status = CLIENT_CLOSED_REQUEST;
    return;
  }
  const apiError = err instanceof UpstreamError ? upstreamFailureToApiError(err.failure) : toApiError(err);
  if (!(err instanceof ApiError) && !(err instanceof UpstreamError)) {
    // An unexpected failure: log its name only, as messages of library errors may quote input (P1).
    log.errorType = 'internal';
    deps.log({ level: 'error', msg: 'chat completion failed', requestId: log.requestId, error: errorName(err) });
  } else {
    log.errorType = apiError.kind;
  }
  if (log.status) return; // the status line is out already (should not happen: streams report failures in-band)
  log.status = apiError.status;
  const out = openResponse(responseStream, apiError.status, { ...log.headers, ...apiError.headers, 'content-type': 'application/json' });
  await Promise.resolve(writeText(out, JSON.stringify(apiError.toBody()))).catch(() => undefined);
}

async function recordAfterResponse(deps: GatewayDeps, log: RequestLog, latencyMs: number): Promise<void> {
  const principal = log.principal;
  if (!principal) return; // unauthenticated requests belong to no account (security events are another record)
  deps.authenticator.touch(principal).catch((err: unknown) => deps.log({ level: 'warn', msg: 'api key touch failed', requestId: log.requestId, error: errorName(err) }));
  try {
    await deps.activity.recordRequest({
      accountId: principal.accountId,
      apiKeyId: principal.apiKeyId,
      requestId: log.requestId,
      startedAt: new Date(log.startedAt).toISOString(),
      latencyMs,
      ttftMs: log.metering.ttftMs,
      status: log.status,
      stream: log.stream,
      provider: log.credentials?.provider,
      providerKeyId: log.credentials?.providerKeyId,
      model: log.model,
      ...usageFields(log.metering.usage),
      finishReason: log.metering.finishReason,
      errorType: log.errorType,
    });
  } catch (err) {
    deps.log({ level: 'error', msg: 'activity write failed', requestId: log.requestId, error: errorName(err) });
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
