import { quantile } from './histogram.js';
import { COUNTERS, ERROR_PREFIX, LATENCY_PREFIX, TTFT_PREFIX } from './rollup.js';

/** p50, p95 and p99 in ms from a merged histogram; null where nothing was measured. */
export interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** What a set of summed rollups says, as the API shows it. */
export interface UsageMetrics {
  readonly requests: number;
  readonly errors: number;
  /** By error type (lambdas/store/activity-record.ts ACTIVITY_ERROR_TYPES; `other` for an error status without one). */
  readonly errorsByClass: Record<string, number>;
  readonly fallbacks: number;
  /** Refused by the account's own limits before reaching a provider. */
  readonly refused: number;
  readonly tokens: { readonly prompt: number; readonly completion: number; readonly cached: number; readonly reasoning: number };
  readonly costUsd: number;
  /** Reference cost minus actual cost of the config-routed requests that have both (docs/usage.md). */
  readonly savingsUsd: number;
  readonly latencyMs: Percentiles;
  readonly ttftMs: Percentiles;
}

const MICROS = 1_000_000;
const HISTOGRAM_COUNTER = new RegExp(`^(${LATENCY_PREFIX}|${TTFT_PREFIX})(\\d+)$`);

/** The metrics of summed counters (rollup.ts names). */
export function metricsOf(counters: ReadonlyMap<string, number>): UsageMetrics {
  const n = (name: string) => counters.get(name) ?? 0;
  const errorsByClass: Record<string, number> = {};
  const latency = new Map<number, number>();
  const ttft = new Map<number, number>();
  for (const [name, count] of counters) {
    if (name.startsWith(ERROR_PREFIX)) errorsByClass[name.slice(ERROR_PREFIX.length)] = count;
    const bucket = HISTOGRAM_COUNTER.exec(name);
    if (bucket) (bucket[1] === LATENCY_PREFIX ? latency : ttft).set(Number(bucket[2]), count);
  }
  return {
    requests: n(COUNTERS.requests),
    errors: n(COUNTERS.errors),
    errorsByClass,
    fallbacks: n(COUNTERS.fallbacks),
    refused: n(COUNTERS.refused),
    tokens: {
      prompt: n(COUNTERS.promptTokens),
      completion: n(COUNTERS.completionTokens),
      cached: n(COUNTERS.cachedTokens),
      reasoning: n(COUNTERS.reasoningTokens),
    },
    costUsd: n(COUNTERS.costMicros) / MICROS,
    savingsUsd: (n(COUNTERS.referenceCostMicros) - n(COUNTERS.routedCostMicros)) / MICROS,
    latencyMs: percentiles(latency),
    ttftMs: percentiles(ttft),
  };
}

function percentiles(histogram: ReadonlyMap<number, number>): Percentiles {
  return { p50: quantile(histogram, 0.5) ?? null, p95: quantile(histogram, 0.95) ?? null, p99: quantile(histogram, 0.99) ?? null };
}
