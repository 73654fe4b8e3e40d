import { catalogEntry, estimateCost } from '../../catalog/index.js';
import { ApiError } from '../../http/errors.js';
import { providerAdapter } from '../../providers/registry.js';
import type { ChatRequest } from '../../providers/types.js';
import { classifyLocal, classifyWithLlm, type ClassifierMessage } from '../../routing/classify/index.js';
import type { RoutingConfig } from '../../routing/config-schema.js';
import type { ClassifyRequest } from '../../routing/decision.js';
import { parseTarget } from '../../routing/strategies/targets.js';
import type { GatewayDeps } from '../deps.js';
import type { AbortSwitch } from '../transport/abort-switch.js';
import { UpstreamCall } from '../transport/upstream-call.js';
import type { ClassifierUsage } from './outcome.js';
import { answerUsage } from './stream-meter.js';

/** A request's role classifier, and what its LLM call used once it has answered. */
export interface RequestClassifier {
  readonly classify: ClassifyRequest;
  usage(): ClassifierUsage | undefined;
}

const LOCAL: RequestClassifier = { classify: classifyLocal, usage: () => undefined };

/**
 * The classifier a `role` config asks for: the local one, or a model of the account's behind a strict timeout.
 * A client that leaves meanwhile ends the classifier's call too.
 */
export function classifierFor(deps: GatewayDeps, accountId: string, config: RoutingConfig, clientSignal: AbortSwitch): RequestClassifier {
  const spec = config.classifier;
  if (spec?.method !== 'llm' || spec.model === undefined) return LOCAL;
  const model = spec.model;
  let used: ClassifierUsage | undefined;
  const complete = async (messages: readonly ClassifierMessage[], signal: AbortSignal): Promise<string> => {
    const answer = await completeText(deps, accountId, model, messages, AbortSignal.any([signal, clientSignal.asAbortSignal()]));
    used = answer.usage;
    return answer.text;
  };
  return {
    classify: (request, roles) => classifyWithLlm(request, roles, { complete, timeoutMs: spec.timeoutMs, fallback: classifyLocal }),
    usage: () => used,
  };
}

/** How long a classification answer may be: a role name in a line of JSON. */
const CLASSIFIER_MAX_TOKENS = 64;

/**
 * One short non-streamed completion through the account's own provider key, for the LLM classifier. The text
 * goes to the account's provider and back into memory only: never logged, never stored (P1).
 */
async function completeText(
  deps: GatewayDeps,
  accountId: string,
  model: string,
  messages: readonly ClassifierMessage[],
  signal: AbortSignal,
): Promise<{ text: string; usage: ClassifierUsage }> {
  const target = parseTarget(model);
  const credentials = await deps.providerKeys.byName(accountId, target.providerKeyName);
  if (!credentials) throw new ApiError('not_found', 'The classifier model names no provider key of this account.');
  if (credentials.baseUrl !== undefined) await deps.assertSafeBaseUrl(credentials.baseUrl);
  const adapter = providerAdapter(credentials.provider);
  const request: ChatRequest = {
    body: { messages, max_tokens: CLASSIFIER_MAX_TOKENS, temperature: 0 },
    providerKeyName: target.providerKeyName,
    model: target.model,
    stream: false,
    includeUsage: false,
  };
  // The classifier's own timeout aborts `signal`; this bound only guards against a caller that never does.
  const call = new UpstreamCall(signal, {
    startMs: deps.timeouts.responseMs,
    idleMs: deps.timeouts.streamIdleMs,
    deadline: Date.now() + deps.timeouts.requestMs,
    answerBytes: deps.bounds.answerBytes,
  });
  try {
    const response = await call.send(adapter.chatRequest(request, credentials), adapter);
    const answer = await adapter.readChatResponse(response);
    const usage = answerUsage(answer.usage, request.body, answer.json);
    const content: unknown = (JSON.parse(answer.json) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    return {
      text: typeof content === 'string' ? content : '',
      usage: { tokens: usage.total_tokens, costUsd: estimateCost(usage, catalogEntry(credentials.provider, target.model)) },
    };
  } finally {
    call.close();
  }
}
