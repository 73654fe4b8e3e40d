import type { RequestActivity } from '../store/activity-record.js';
import { bucketOf } from './histogram.js';

/**
 * What one request adds to the usage rollups (P4, P10): the rollups it counts in, and the counters it adds. Pure;
 * the aggregator (usage-aggregator.ts) sums these over a batch before anything is written.
 */
export const GRANULARITIES = ['hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** `all` is the account's total; the others break it down by one field of the request record. */
export const DIMENSIONS = ['all', 'model', 'provider', 'apiKey', 'config', 'route'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The value of the `all` dimension. */
export const TOTAL = '-';

/** One rollup: an account's requests in one UTC hour or day with one value of one dimension. */
export interface RollupKey {
  readonly granularity: Granularity;
  readonly dimension: Dimension;
  /** `yyyy-mm-ddThh` (hour) or `yyyy-mm-dd` (day), UTC. */
  readonly period: string;
  /** The dimension's value; for `model`, `<provider>:<model>` so a model id served by two providers stays two rows. */
  readonly value: string;
}

/** Counter attributes, by name. Latency and TTFT buckets are `l<bucket>` and `t<bucket>` (histogram.ts). */
export type Counters = Map<string, number>;

export const COUNTERS = {
  requests: 'requests',
  errors: 'errors',
  fallbacks: 'fallbacks',
  refused: 'refused',
  promptTokens: 'promptTokens',
  completionTokens: 'completionTokens',
  cachedTokens: 'cachedTokens',
  reasoningTokens: 'reasoningTokens',
  /** Integer micro-dollars: sums of integers stay exact however many requests they add up. */
  costMicros: 'costMicros',
  /** Config-routed requests that have both costs: what they would have cost on the reference target, and what they cost. */
  referenceCostMicros: 'refCostMicros',
  routedCostMicros: 'routedCostMicros',
} as const;

export const ERROR_PREFIX = 'e_';
export const LATENCY_PREFIX = 'l';
export const TTFT_PREFIX = 't';

/** The `model` dimension's value. */
export function modelValue(provider: string | undefined, model: string): string {
  return `${provider ?? 'unknown'}:${model}`;
}

/** Every rollup a request counts in: each granularity × each dimension the record has a value for. */
export function rollupKeys(record: RequestActivity): RollupKey[] {
  const values: [Dimension, string | undefined][] = [
    ['all', TOTAL],
    ['model', record.model === undefined ? undefined : modelValue(record.provider, record.model)],
    ['provider', record.provider],
    ['apiKey', record.apiKeyId],
    ['config', record.configName],
    ['route', record.route],
  ];
  const hour = record.startedAt.slice(0, 13);
  const day = record.startedAt.slice(0, 10);
  const keys: RollupKey[] = [];
  for (const [dimension, value] of values) {
    if (value === undefined) continue;
    keys.push({ granularity: 'hour', dimension, period: hour, value }, { granularity: 'day', dimension, period: day, value });
  }
  return keys;
}

/** USD → integer micro-dollars. */
export function micros(usd: number): number {
  return Math.round(usd * 1_000_000);
}

/** Refused by a request limit before anything was routed (the router names the limit on the record). */
export function refusedByLimits(record: RequestActivity): boolean {
  return record.refusedBy !== undefined;
}

/** What one request adds to each rollup it counts in. */
export function recordCounters(record: RequestActivity): Counters {
  const counters: Counters = new Map();
  const add = (name: string, n: number | undefined) => {
    if (n !== undefined && n !== 0) counters.set(name, (counters.get(name) ?? 0) + n);
  };
  add(COUNTERS.requests, 1);
  if (record.status >= 400) {
    add(COUNTERS.errors, 1);
    add(`${ERROR_PREFIX}${record.errorType ?? 'other'}`, 1);
  }
  // A fallback: the router went past the first target it had.
  if ((record.attempts?.length ?? 0) > 1) add(COUNTERS.fallbacks, 1);
  if (refusedByLimits(record)) add(COUNTERS.refused, 1);
  add(COUNTERS.promptTokens, record.promptTokens);
  add(COUNTERS.completionTokens, record.completionTokens);
  add(COUNTERS.cachedTokens, record.cachedTokens);
  add(COUNTERS.reasoningTokens, record.reasoningTokens);
  const cost = (record.costUsd ?? 0) + (record.classifierCostUsd ?? 0);
  add(COUNTERS.costMicros, micros(cost));
  if (record.referenceCostUsd !== undefined && record.costUsd !== undefined) {
    add(COUNTERS.referenceCostMicros, micros(record.referenceCostUsd));
    add(COUNTERS.routedCostMicros, micros(cost));
  }
  add(`${LATENCY_PREFIX}${bucketOf(record.latencyMs)}`, 1);
  if (record.ttftMs !== undefined) add(`${TTFT_PREFIX}${bucketOf(record.ttftMs)}`, 1);
  return counters;
}

/** Adds `from` into `into`. */
export function addCounters(into: Counters, from: ReadonlyMap<string, number>): void {
  for (const [name, n] of from) into.set(name, (into.get(name) ?? 0) + n);
}
