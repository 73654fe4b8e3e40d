import { estimateCost } from '../catalog/index.js';
import { errorName, type GatewayDeps } from '../gateway/deps.js';
import type { RouteOutcome } from '../gateway/engine/route-chat.js';
import { usageFields } from '../gateway/engine/stream-meter.js';
import type { ApiKeyPrincipal } from '../gateway/ports.js';
import type { RouteDecision } from '../routing/decision.js';
import type { RequestLimitName } from '../limits/allowance.js';
import { referenceCost } from '../routing/reference-targets.js';
import type { ActivityErrorType, Operation } from '../store/activity-record.js';

/** How a request ended, as its activity record tells it. */
export interface RequestSummary {
  readonly requestId: string;
  /** When the request arrived (epoch ms). */
  readonly receivedAt: number;
  readonly latencyMs: number;
  readonly status: number;
  readonly stream: boolean;
  readonly operation: Operation;
  readonly errorType?: ActivityErrorType;
  readonly outcome: RouteOutcome;
  /** Whether the request limits let it through: its tokens are then counted against the account's month. */
  readonly admitted: boolean;
  /** The limit that refused the request before anything was routed. */
  readonly refusedBy?: RequestLimitName;
}

/** A status for the record when the client left before any status was sent (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * The key's last-use touch, the tokens counted against the month, and the request's metadata record (P3: fixed
 * fields, no content), after the response.
 */
export async function recordAfterResponse(
  deps: Pick<GatewayDeps, 'authenticator' | 'activity' | 'log' | 'gate'>,
  caller: ApiKeyPrincipal,
  summary: RequestSummary,
): Promise<void> {
  const { requestId, outcome } = summary;
  deps.authenticator.touch(caller).catch((err: unknown) => deps.log({ level: 'warn', msg: 'api key touch failed', requestId, error: errorName(err) }));
  const { target, metering } = outcome;
  const usage = metering?.usage;
  const tokens = usageFields(usage);
  if (summary.admitted) await deps.gate.settle(caller, (tokens.promptTokens ?? 0) + (tokens.completionTokens ?? 0));
  try {
    await deps.activity.recordRequest({
      accountId: caller.accountId,
      apiKeyId: caller.apiKeyId,
      requestId,
      startedAt: new Date(summary.receivedAt).toISOString(),
      latencyMs: summary.latencyMs,
      ttftMs: metering?.ttftMs,
      status: summary.status,
      stream: summary.stream,
      operation: summary.operation,
      provider: target?.provider,
      providerKeyId: target?.providerKeyId,
      model: target?.model,
      ...tokens,
      costUsd: usage ? estimateCost(usage, target?.catalog) : undefined,
      referenceCostUsd: usage && outcome.referenceEntries ? referenceCost(usage, outcome.referenceEntries) : undefined,
      usageEstimated: usage?.estimated === true ? true : undefined,
      finishReason: metering?.finishReason,
      errorType: summary.errorType,
      refusedBy: summary.refusedBy,
      ...decisionFields(outcome.decision),
      attempts: outcome.attempts.length > 0 ? outcome.attempts : undefined,
      classifierTokens: outcome.classifierUsage?.tokens,
      classifierCostUsd: outcome.classifierUsage?.costUsd,
    });
  } catch (err) {
    deps.log({ level: 'error', msg: 'activity write failed', requestId, error: errorName(err) });
  }
}

/** The routing decision as record fields: names and numbers only (P3). */
function decisionFields(decision: RouteDecision | undefined) {
  if (!decision) return {};
  return {
    configName: decision.configName,
    strategy: decision.strategy,
    route: decision.route,
    confidence: decision.classification?.confidence,
    classifier: decision.classification?.method,
    complexity: decision.complexity,
  };
}
