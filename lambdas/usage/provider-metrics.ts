import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import type { ActivityErrorType } from '../store/activity-record.js';
import { addCounters } from './rollup.js';
import type { RollupReader } from './rollup-reader.js';
import { metricsOf, type Percentiles } from './usage-metrics.js';
import { periodOf } from './usage-service.js';

const HOUR_MS = 3_600_000;
export const WINDOWS = { '1h': HOUR_MS, '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS } as const;
type Window = keyof typeof WINDOWS;
const WINDOW_NAMES = Object.keys(WINDOWS) as Window[];

/** `GET /v1/metrics/providers` query parameters. */
export const providerMetricsQuerySchema = z.strictObject({
  window: z.enum(WINDOW_NAMES, { error: `must be one of: ${WINDOW_NAMES.join(', ')}` }).optional(),
});
export type ProviderMetricsQuery = z.infer<typeof providerMetricsQuerySchema>;

/** Failures that are the provider's: a request that ended with one counts against its availability. */
const PROVIDER_FAILURES: readonly ActivityErrorType[] = ['upstream_error', 'upstream_timeout'];

export interface ProviderModelMetrics {
  readonly object: 'provider_metrics';
  readonly provider: string;
  readonly model: string;
  readonly requests: number;
  readonly latencyMs: Percentiles;
  readonly ttftMs: Percentiles;
  /** Share of requests that ended in an error, in all and by error type. */
  readonly errorRate: number;
  readonly errorRateByClass: Record<string, number>;
  /** Share of the requests this model answered that reached it after the router fell back from an earlier target. */
  readonly fallbackRate: number;
  /** Share of requests not failed by the provider (an upstream error or timeout). */
  readonly availability: number;
}

export interface ProviderMetricsList {
  readonly object: 'list';
  readonly window: Window;
  readonly from: string;
  readonly to: string;
  readonly data: ProviderModelMetrics[];
}

export interface ProviderMetricsService {
  metrics(accountId: string, analyticsDays: number, query: ProviderMetricsQuery): Promise<ProviderMetricsList>;
}

/** Per provider and model over the window's whole UTC hours, from the account's hourly `model` rollups (P5). */
export function createProviderMetricsService({ rollups, now = Date.now }: { rollups: RollupReader; now?: () => number }): ProviderMetricsService {
  return {
    async metrics(accountId, analyticsDays, query) {
      const window = query.window ?? '24h';
      if (WINDOWS[window] > analyticsDays * 24 * HOUR_MS)
        throw new ApiError('invalid_request', `Invalid 'window': your plan's analytics reach back ${analyticsDays} days.`, { param: 'window' });
      const to = now();
      const from = to - WINDOWS[window];
      const { rollups: rows } = await rollups.read(accountId, {
        granularity: 'hour',
        dimension: 'model',
        from: periodOf(from, 'hour'),
        to: periodOf(to, 'hour'),
      });
      const byModel = new Map<string, Map<string, number>>();
      for (const row of rows) {
        const counters = byModel.get(row.value) ?? new Map<string, number>();
        addCounters(counters, row.counters);
        byModel.set(row.value, counters);
      }
      const data = [...byModel]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([value, counters]): ProviderModelMetrics => {
          const m = metricsOf(counters);
          const share = (n: number) => (m.requests === 0 ? 0 : n / m.requests);
          const providerFailures = PROVIDER_FAILURES.reduce((n, type) => n + (m.errorsByClass[type] ?? 0), 0);
          const split = value.indexOf(':');
          return {
            object: 'provider_metrics',
            provider: value.slice(0, split),
            model: value.slice(split + 1),
            requests: m.requests,
            latencyMs: m.latencyMs,
            ttftMs: m.ttftMs,
            errorRate: share(m.errors),
            errorRateByClass: Object.fromEntries(Object.entries(m.errorsByClass).map(([type, n]) => [type, share(n)])),
            fallbackRate: share(m.fallbacks),
            availability: m.requests === 0 ? 1 : 1 - share(providerFailures),
          };
        });
      return { object: 'list', window, from: new Date(from).toISOString(), to: new Date(to).toISOString(), data };
    },
  };
}
