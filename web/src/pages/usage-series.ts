import type { UsageAnswer, UsagePoint } from '../../../lambdas/usage/usage-service.js';
import type { UsageMetrics } from '../../../lambdas/usage/usage-metrics.js';
import type { ChartSeries } from '../components/time-chart.js';
import { formatCompact, formatCount, formatMs, formatShare, formatUsd } from '../ui/format.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** More lines than this are unreadable; the busiest groups are drawn, the table lists them all. */
export const MAX_LINES = 8;

export interface Metric {
  readonly label: string;
  readonly of: (m: UsageMetrics) => number | null;
  /** Counts and money add up over time (a missing period is 0); percentiles and rates do not (a gap). */
  readonly additive: boolean;
  readonly axis: (v: number) => string;
  readonly total: (v: number | null) => string;
}

export const METRICS = {
  requests: { label: 'Requests', of: (m) => m.requests, additive: true, axis: formatCompact, total: formatCount },
  cost: { label: 'Cost', of: (m) => m.costUsd, additive: true, axis: formatUsd, total: formatUsd },
  savings: { label: 'Savings', of: (m) => m.savingsUsd, additive: true, axis: formatUsd, total: formatUsd },
  tokens: { label: 'Tokens', of: (m) => m.tokens.prompt + m.tokens.completion, additive: true, axis: formatCompact, total: formatCount },
  p50: { label: 'Latency p50', of: (m) => m.latencyMs.p50, additive: false, axis: formatMs, total: formatMs },
  p95: { label: 'Latency p95', of: (m) => m.latencyMs.p95, additive: false, axis: formatMs, total: formatMs },
  errorRate: { label: 'Error rate', of: (m) => (m.requests ? m.errors / m.requests : null), additive: false, axis: formatShare, total: formatShare },
} as const satisfies Record<string, Metric>;
export type MetricId = keyof typeof METRICS;
export const METRIC_IDS = Object.keys(METRICS) as MetricId[];

/** Every period of the answer's range, gaps included, so a quiet hour draws as 0 rather than a straight line across. */
function periodsOf(answer: UsageAnswer): string[] {
  const present = new Set(answer.series.map((p) => p.period));
  const from = Date.parse(answer.from);
  const to = Date.parse(answer.to);
  if (answer.granularity === 'hour') {
    for (let t = Math.floor(from / HOUR_MS) * HOUR_MS; t <= to; t += HOUR_MS) present.add(`${new Date(t).toISOString().slice(0, 13)}:00:00Z`);
  } else {
    for (let t = Math.floor(from / DAY_MS) * DAY_MS; t <= to; t += DAY_MS) present.add(new Date(t).toISOString().slice(0, 10));
  }
  return [...present].sort();
}

/** A period's start in epoch seconds (a day's in UTC: the axis labels dates, not hours, then). */
function secondsOf(period: string): number {
  return Date.parse(period.length === 10 ? `${period}T00:00:00Z` : period) / 1000;
}

export interface GroupTotals {
  readonly group: string;
  readonly requests: number;
  readonly errors: number;
  readonly tokens: number;
  readonly costUsd: number;
  readonly savingsUsd: number;
}

/** Per group, the sums over the range (percentiles cannot be summed: they stay in the chart). */
export function groupTotals(answer: UsageAnswer): GroupTotals[] {
  const byGroup = new Map<string, GroupTotals>();
  for (const p of answer.series) {
    const key = p.group ?? 'All';
    const t = byGroup.get(key) ?? { group: key, requests: 0, errors: 0, tokens: 0, costUsd: 0, savingsUsd: 0 };
    byGroup.set(key, {
      group: key,
      requests: t.requests + p.requests,
      errors: t.errors + p.errors,
      tokens: t.tokens + p.tokens.prompt + p.tokens.completion,
      costUsd: t.costUsd + p.costUsd,
      savingsUsd: t.savingsUsd + p.savingsUsd,
    });
  }
  return [...byGroup.values()].sort((a, b) => b.requests - a.requests || a.group.localeCompare(b.group));
}

/** The chart's x values and one line per group (the busiest MAX_LINES), for one metric. */
export function chartOf(answer: UsageAnswer, metric: Metric): { x: number[]; series: ChartSeries[] } {
  const periods = periodsOf(answer);
  const groups = groupTotals(answer)
    .slice(0, MAX_LINES)
    .map((g) => g.group);
  const byGroup = new Map<string, Map<string, UsagePoint>>();
  for (const p of answer.series) {
    const key = p.group ?? 'All';
    const points = byGroup.get(key) ?? new Map<string, UsagePoint>();
    points.set(p.period, p);
    byGroup.set(key, points);
  }
  const lines = groups.length ? groups : ['All'];
  return {
    x: periods.map(secondsOf),
    series: lines.map((group) => ({
      label: group,
      values: periods.map((period) => {
        const point = byGroup.get(group)?.get(period);
        return point ? metric.of(point) : metric.additive ? 0 : null;
      }),
    })),
  };
}
