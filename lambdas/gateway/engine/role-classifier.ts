import { catalogEntry, estimateCost } from '../../catalog/index.js';
import { ApiError } from '../../http/errors.js';
import { providerAdapter } from '../../providers/registry.js';
import type { ChatRequest } from '../../providers/types.js';
import { classifyLocal, classifyWithLlm } from '../../routing/classify/index.js';
import { TARGET_MODEL, type RoutingConfig } from '../../routing/config-schema.js';
import type { ClassifyRequest } from '../../routing/decision.js';
import type { AbortSwitch } from '../transport/abort-switch.js';
import type { GatewayDeps } from '../deps.js';
import type { RequestLog } from '../../inbound/request-record.js';
import { answerUsage } from './stream-meter.js';
import { UpstreamAttempt } from '../transport/upstream-call.js';

/**
 * The classifier a `role` config asks for: the local one, or a model of the account's behind a strict timeout.
 * A client that leaves meanwhile ends the classifier's call too. The call's tokens and cost go into `log`: the
 * account pays its provider for them.
 */
export function classifierFor(deps: GatewayDeps, config: RoutingConfig, log: RequestLog, clientSignal: AbortSwitch): ClassifyRequest {
  const spec = config.classifier;
  if (spec?.method !== 'llm' || spec.model === undefined) return classifyLocal;
  const model = spec.model;
  return (request, roles) =>
    classifyWithLlm(request, roles, {
      complete: (messages, signal) => completeText(deps, log, model, messages, AbortSignal.any([signal, clientSignal.asAbortSignal()])),
      timeoutMs: spec.timeoutMs,
      fallback: classifyLocal,
    });
}

/** How long a classification answer may be: a role name in a line of JSON. */
const CLASSIFIER_MAX_TOKENS = 64;

/**
 * One short non-streamed completion through the account's own provider key, for the LLM classifier. The text
 * goes to the account's provider and back into memory only: never logged, never stored (P1).
 */
async function completeText(deps: GatewayDeps, log: RequestLog, model: string, messages: readonly { role: 'system' | 'user'; content: string }[], signal: AbortSignal): Promise<string> {
  const [, providerKeyName, modelId] = TARGET_MODEL.exec(model)!;
  const credentials = await deps.providerKeys.byName(log.principal!.accountId, providerKeyName!);
  if (!credentials) throw new ApiError('not_found', 'The classifier model names no provider key of this account.');
  if (credentials.baseUrl !== undefined) await deps.assertSafeBaseUrl(credentials.baseUrl);
  const adapter = providerAdapter(credentials.provider);
  const request: ChatRequest = {
    body: { messages, max_tokens: CLASSIFIER_MAX_TOKENS, temperature: 0 },
    providerKeyName: providerKeyName!,
    model: modelId!,
    stream: false,
    includeUsage: false,
  };
  // The classifier's own timeout aborts `signal`; this bound only guards against a caller that never does.
  const attempt = new UpstreamAttempt(signal, deps.timeouts.responseMs);
  try {
    const response = await attempt.send(adapter.chatRequest(request, credentials), adapter);
    const answer = await adapter.readChatResponse(response);
    const usage = answerUsage(answer.usage, request.body, answer.json);
    log.classifierUsage = { tokens: usage.total_tokens, costUsd: estimateCost(usage, catalogEntry(credentials.provider, modelId!)) };
    const content: unknown = (JSON.parse(answer.json) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : '';
  } finally {
    attempt.close();
  }
}
