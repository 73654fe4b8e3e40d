import type { Writable } from 'node:stream';
import { z } from 'zod';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { estimateUsage } from '../../catalog/index.js';
import { clientError, providerKeyNotFound } from '../../gateway/client-errors.js';
import type { GatewayDeps } from '../../gateway/deps.js';
import { selectRoute } from '../../gateway/engine/route-selection.js';
import { AbortSwitch } from '../../gateway/transport/abort-switch.js';
import { sendUpstream } from '../../gateway/transport/upstream-http.js';
import { writeWholeAnswer } from '../../gateway/transport/response-writer.js';
import { ApiError } from '../../http/errors.js';
import { parseRequestJson } from '../../http/request-json.js';
import { bodyText } from '../../http/request-event.js';
import { parseAnswer } from '../../providers/answer-json.js';
import { anthropic } from '../../providers/anthropic/index.js';
import { anthropicBaseUrl, anthropicHeaders } from '../../providers/anthropic/api.js';
import { UpstreamError, type UpstreamCredentials } from '../../providers/types.js';
import type { ApiKeyPrincipal } from '../../gateway/ports.js';
import { apiKeyCaller } from '../api-key.js';
import { reportRefusal } from '../refusal-report.js';
import { plainAnswerHeaders } from '../response-headers.js';
import { anthropicErrorBody } from './errors.js';
import { messagesToChatRequest } from './to-chat-request.js';

/** Counting needs no answer, so a Messages body without `max_tokens` is read with this stand-in. */
const COUNT_ONLY_MAX_TOKENS = 1;

/**
 * `POST /v1/messages/count_tokens`: the request's input tokens for the model its route would try first. An
 * Anthropic target counts them itself (the body passes through with the provider key); for any other the count
 * is the catalog's estimate (catalog/token-estimate.ts), as the activity record estimates a missing usage.
 * Nothing is generated, so nothing is recorded but the key's use.
 */
export async function countTokens(deps: GatewayDeps, event: APIGatewayProxyEvent, responseStream: Writable): Promise<void> {
  const requestId = event.requestContext?.requestId;
  let status = 200;
  let body: unknown;
  let caller: ApiKeyPrincipal | undefined;
  try {
    caller = await apiKeyCaller(deps.authenticator, event.headers);
    await deps.gate.assertActive(caller);
    const json = parseRequestJson(bodyText(event));
    const sent = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
    const request = messagesToChatRequest({ max_tokens: COUNT_ONLY_MAX_TOKENS, ...sent });
    const inbound = { caller, request, headers: event.headers, receivedAt: Date.now(), clientSignal: new AbortSwitch() };
    const [target] = (await selectRoute(deps, inbound)).decision.targets;
    if (!target) throw new ApiError('invalid_request', 'The route has no targets.', { param: 'model' });
    const credentials = await deps.providerKeys.byName(caller.accountId, target.providerKeyName);
    if (!credentials) throw providerKeyNotFound(target.providerKeyName);
    body =
      credentials.provider === 'anthropic'
        ? await anthropicCount(deps, credentials, { ...sent, model: target.model })
        : { input_tokens: estimateUsage(request.body, 0).prompt_tokens };
  } catch (err) {
    reportRefusal(deps.securityEvents, err, caller, event);
    const apiError = clientError(err);
    status = apiError.status;
    body = anthropicErrorBody(apiError);
  }
  await deps.securityEvents.flush();
  await writeWholeAnswer(responseStream, status, plainAnswerHeaders(requestId), JSON.stringify(body));
}

/** Anthropic's own count for the body, sent as the caller wrote it with the target's model. */
async function anthropicCount(deps: GatewayDeps, credentials: UpstreamCredentials, body: Record<string, unknown>): Promise<unknown> {
  if (credentials.baseUrl !== undefined) await deps.assertSafeBaseUrl(credentials.baseUrl);
  const upstream = {
    url: `${anthropicBaseUrl(credentials)}/messages/count_tokens`,
    method: 'POST' as const,
    headers: anthropicHeaders(credentials, true),
    body: JSON.stringify(body),
  };
  const response = await sendUpstream(upstream, AbortSignal.timeout(deps.timeouts.modelsMs), deps.bounds.answerBytes).catch(() => {
    throw new UpstreamError({ kind: 'network' });
  });
  if (response.status !== 200) throw new UpstreamError(await anthropic.readFailure(response));
  return parseAnswer(await response.text(), countSchema, 'Anthropic');
}

const countSchema = z.strictObject({ input_tokens: z.number().int().nonnegative() });
