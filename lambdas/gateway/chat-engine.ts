import { catalogEntry, checkCapabilities, requiredCapabilities } from '../catalog/index.js';
import { ApiError, toApiError } from '../http/errors.js';
import { providerAdapter } from '../providers/registry.js';
import { UpstreamError, type ChatChunk, type ChatRequest, type ChatResponse, type ProviderAdapter, type UpstreamResponse } from '../providers/types.js';
import { isFinishReason } from '../store/activity-record.js';
import { upstreamFailureToApiError } from './error-mapping.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { RequestLog } from './request-log.js';
import { answerUsage, StreamMeter } from './stream-meter.js';
import { clientChunks } from './stream-pipe.js';
import { ClientDisconnectedError, UpstreamAttempt } from './upstream-attempt.js';

/**
 * The engine's answer, in OpenAI's shapes whatever the provider: a whole completion, or its chunks. Reading
 * `chunks` throws ClientDisconnectedError or UpstreamError (see `midStreamFailure`).
 */
export type ChatAnswer = { readonly kind: 'json'; readonly response: ChatResponse } | { readonly kind: 'stream'; readonly chunks: AsyncIterable<ChatChunk> };

/** Writes an answer to the client in the edge's wire format; the routing headers are in `log.headers`. */
export type DeliverAnswer = (answer: ChatAnswer) => Promise<void>;

/**
 * Routes an authenticated caller's request: resolves the provider key, guards its base URL, calls upstream
 * and meters the answer into `log`, then hands the answer to `deliver`. The upstream call ends when
 * `deliver` returns. Failures before the answer are thrown (ApiError, UpstreamError, ClientDisconnectedError).
 */
export async function routeChat(deps: GatewayDeps, request: ChatRequest, log: RequestLog, clientSignal: AbortSignal, deliver: DeliverAnswer): Promise<void> {
  const credentials = await deps.providerKeys.byName(log.principal!.accountId, request.providerKeyName);
  if (!credentials) {
    throw new ApiError('not_found', `No provider key named "${request.providerKeyName}" in this account.`, { param: 'model', code: 'provider_key_not_found' });
  }
  log.credentials = credentials;
  log.model = request.model;
  log.catalog = catalogEntry(credentials.provider, request.model);
  // A request the model cannot serve (an image to a text-only model, say) fails here, before any upstream call.
  const unsupported = checkCapabilities(requiredCapabilities(request.body), log.catalog);
  if (unsupported) throw unsupported;
  log.headers['x-roukey-provider'] = credentials.provider;
  // As the caller names models (`<provider-key name>/<model>`), so it can be sent back as is.
  log.headers['x-roukey-model'] = `${request.providerKeyName}/${request.model}`;
  if (credentials.baseUrl !== undefined) await guardBaseUrl(deps, credentials.baseUrl);

  const adapter = providerAdapter(credentials.provider);
  const attempt = new UpstreamAttempt(clientSignal, request.stream ? deps.timeouts.streamFirstTokenMs : deps.timeouts.responseMs);
  try {
    const response = await attempt.send(adapter.chatRequest(request, credentials), adapter);
    if (request.stream) await streamAnswer(adapter, response, request, attempt, log, deliver);
    else await jsonAnswer(adapter, response, request, attempt, log, deliver);
  } finally {
    attempt.close();
  }
}

async function jsonAnswer(
  adapter: ProviderAdapter,
  response: UpstreamResponse,
  request: ChatRequest,
  attempt: UpstreamAttempt,
  log: RequestLog,
  deliver: DeliverAnswer,
): Promise<void> {
  const answer = await adapter.readChatResponse(response).catch((err: unknown) => {
    throw attempt.classify(err);
  });
  attempt.disarm();
  log.metering.usage = answerUsage(answer.usage, request.body, answer.json);
  if (isFinishReason(answer.finishReason)) log.metering.finishReason = answer.finishReason;
  await deliver({ kind: 'json', response: answer });
}

async function streamAnswer(adapter: ProviderAdapter, response: UpstreamResponse, request: ChatRequest, attempt: UpstreamAttempt, log: RequestLog, deliver: DeliverAnswer): Promise<void> {
  const meter = new StreamMeter(log.startedAt);
  log.metering = meter.metering;
  const chunks = clientChunks(adapter.readChatStream(response.body), meter, request.includeUsage)[Symbol.asyncIterator]();
  let answered = false;
  try {
    // Waiting for the first chunk before the edge sends a status keeps a stream that fails at once an honest error status.
    const first = await chunks.next().catch((err: unknown) => {
      throw attempt.classify(err);
    });
    attempt.disarm();
    answered = true;
    await deliver({ kind: 'stream', chunks: resumed(first, chunks, attempt) });
  } finally {
    await chunks.return?.(undefined);
    // Tokens were spent once the model started answering, even if the stream broke later.
    if (answered) meter.finish(request.body);
  }
}

/** The chunks from the first one (already read) on, with read failures classified as what really happened. */
async function* resumed(first: IteratorResult<ChatChunk>, rest: AsyncIterator<ChatChunk>, attempt: UpstreamAttempt): AsyncGenerator<ChatChunk> {
  if (first.done) return;
  yield first.value;
  for (;;) {
    let next: IteratorResult<ChatChunk>;
    try {
      next = await rest.next();
    } catch (err) {
      throw attempt.classify(err);
    }
    if (next.done) return;
    yield next.value;
  }
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

async function guardBaseUrl(deps: GatewayDeps, baseUrl: string): Promise<void> {
  try {
    await deps.assertSafeBaseUrl(baseUrl);
  } catch {
    throw new ApiError('upstream_error', "The provider key's base URL is not allowed (it must be public and use https).", { code: 'base_url_refused' });
  }
}
