import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { estimateCost, type CatalogEntry } from '../catalog/index.js';
import type { RouteDecision } from '../routing/decision.js';
import type { ActivityErrorType, AttemptRecord } from '../store/activity-record.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { ApiKeyPrincipal, UpstreamCredentials } from '../gateway/ports.js';
import { usageFields, type Metering } from '../gateway/engine/stream-meter.js';

/** What is known about a request as it goes; becomes its activity record once the response has ended. */
export interface RequestLog {
  readonly requestId: string;
  readonly startedAt: number;
  principal?: ApiKeyPrincipal;
  stream: boolean;
  status: number;
  credentials?: UpstreamCredentials;
  model?: string;
  /** The model's catalog entry, when the catalog knows it: capabilities and prices. */
  catalog?: CatalogEntry;
  metering: Metering;
  errorType?: ActivityErrorType;
  /** Where routing sent the request, and every attempt it made (gateway/engine/attempt-loop.ts). */
  decision?: RouteDecision;
  attempts?: AttemptRecord[];
  /** What the LLM role classifier's call used, when one was made. */
  classifierUsage?: { readonly tokens: number; readonly costUsd?: number };
  /** The response headers every answer carries (request id, then the routing headers once known). */
  headers: Record<string, string>;
}

/** A status for the record when the client left before any status was sent (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

export function newRequestLog(event: Pick<APIGatewayProxyEvent, 'requestContext'>): RequestLog {
  const requestId = event.requestContext?.requestId ?? randomUUID();
  return {
    requestId,
    startedAt: Date.now(),
    stream: false,
    status: 0,
    metering: {},
    headers: { 'x-roukey-request-id': requestId, 'cache-control': 'no-cache' },
  };
}

/** The key's last-use touch and the request's metadata record (P3: fixed fields, no content), after the response. */
export async function recordAfterResponse(deps: GatewayDeps, log: RequestLog, latencyMs: number): Promise<void> {
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
      costUsd: log.metering.usage ? estimateCost(log.metering.usage, log.catalog) : undefined,
      usageEstimated: log.metering.usage?.estimated === true ? true : undefined,
      finishReason: log.metering.finishReason,
      errorType: log.errorType,
      ...decisionFields(log.decision),
      attempts: log.attempts?.length ? log.attempts : undefined,
      classifierTokens: log.classifierUsage?.tokens,
      classifierCostUsd: log.classifierUsage?.costUsd,
    });
  } catch (err) {
    deps.log({ level: 'error', msg: 'activity write failed', requestId: log.requestId, error: errorName(err) });
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

/** An error's class name only: messages of library errors may quote input (P1). */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
