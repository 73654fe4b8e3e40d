import type { ActivityErrorType } from '../store/activity-record.js';
import type { RouteOutcome } from './engine/route-chat.js';

/** The CloudWatch namespace of the router's metrics; the dashboard and alarms (lib/observability.ts) read it. */
export const METRICS_NAMESPACE = 'RouKey';
export const ROUTER_SERVICE = 'roukey-router';

/** Metric names. Errors and refusals carry their class in the name (`Errors.upstream_timeout`), from closed lists. */
export const METRIC = {
  requests: 'Requests',
  latency: 'Latency',
  ttft: 'TimeToFirstToken',
  fallbacks: 'Fallbacks',
  promptTokens: 'PromptTokens',
  completionTokens: 'CompletionTokens',
  errors: (kind: ActivityErrorType) => `Errors.${kind}`,
  refused: (limit: string) => `Refused.${limit}`,
} as const;

/**
 * The dimensions every request is counted under, besides `service` alone (the totals alarms read: they cannot sum
 * over dimension values). Few and bounded: never an account, key or model id, each of which would make a metric,
 * and a monthly charge, per value.
 */
export const ROUTER_DIMENSIONS = ['provider', 'statusClass', 'strategy'] as const;

/** Where each request's EMF line goes: stdout in Lambda, which CloudWatch Logs turns into metrics. */
export type MetricsSink = (line: string) => void;

/** One request as its metrics see it: metadata only. */
export interface RequestMetricsSample {
  readonly status: number;
  readonly latencyMs: number;
  readonly errorType?: ActivityErrorType;
  /** The ApiError's code, read only to name the limit that refused a request RouKey answered itself. */
  readonly errorCode?: string;
  readonly outcome: RouteOutcome;
}

/** Error kinds that, answered before any upstream attempt, are RouKey's own limits refusing the request. */
const REFUSALS = new Set<ActivityErrorType>(['rate_limited', 'forbidden']);
/** Limit names are codes from the source (closed lists); anything else counts as `other`, so the set stays bounded. */
const LIMIT_CODE = /^[a-z][a-z_]{0,39}$/;
const DIMENSION_SETS = [['service'], ['service', ...ROUTER_DIMENSIONS]];

/**
 * One request's metrics as one line of CloudWatch's embedded metric format, written when the response has ended (a
 * streamed answer's last byte is out by then). The line is exactly what Powertools Metrics serializes for the same
 * calls (test/unit/gateway/request-metrics.test.ts holds the two side by side); it is built directly because
 * Powertools reads the environment several times per call, which cost the request path about 50 µs (bench/README.md).
 */
export function requestMetricsLine(sample: RequestMetricsSample, now = Date.now()): string {
  const { outcome, status } = sample;
  const names: { Name: string; Unit: 'Count' | 'Milliseconds' }[] = [];
  const values: Record<string, number> = {};
  const add = (name: string, unit: 'Count' | 'Milliseconds', value: number) => {
    names.push({ Name: name, Unit: unit });
    values[name] = value;
  };
  add(METRIC.requests, 'Count', 1);
  add(METRIC.latency, 'Milliseconds', sample.latencyMs);
  const metering = outcome.metering;
  if (metering?.ttftMs !== undefined) add(METRIC.ttft, 'Milliseconds', metering.ttftMs);
  if (metering?.usage) {
    add(METRIC.promptTokens, 'Count', metering.usage.prompt_tokens);
    add(METRIC.completionTokens, 'Count', metering.usage.completion_tokens);
  }
  // Answered, but not by the first target tried.
  if (sample.errorType === undefined && outcome.attempts.length > 1) add(METRIC.fallbacks, 'Count', 1);
  if (sample.errorType !== undefined) {
    add(METRIC.errors(sample.errorType), 'Count', 1);
    if (REFUSALS.has(sample.errorType) && outcome.attempts.length === 0) {
      const code = sample.errorCode ?? sample.errorType;
      add(METRIC.refused(LIMIT_CODE.test(code) ? code : 'other'), 'Count', 1);
    }
  }
  return JSON.stringify({
    _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: DIMENSION_SETS, Metrics: names }] },
    service: ROUTER_SERVICE,
    provider: outcome.target?.provider ?? 'none',
    statusClass: `${Math.floor(status / 100)}xx`,
    strategy: outcome.decision?.strategy ?? 'none',
    ...values,
  });
}

/**
 * The sink for the router: stdout, as Powertools writes it (Lambda's JSON log format wraps `console`, not stdout);
 * none where POWERTOOLS_METRICS_DISABLED is true (the local runtime's default).
 */
export function stdoutMetricsSink(env: NodeJS.ProcessEnv = process.env): MetricsSink | undefined {
  if (env.POWERTOOLS_METRICS_DISABLED?.toLowerCase() === 'true') return undefined;
  return (line) => void process.stdout.write(`${line}\n`);
}
