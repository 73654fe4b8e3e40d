import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { addCounters, DIMENSIONS, type Dimension, type Granularity } from './rollup.js';
import type { RollupReader, StoredRollup } from './rollup-reader.js';
import { metricsOf, type UsageMetrics } from './usage-metrics.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** An hourly series spans at most this many days: 744 points per group. */
export const MAX_HOURLY_DAYS = 31;
/** Without `from`, the last week. */
const DEFAULT_RANGE_DAYS = 7;

const GROUP_BYS = DIMENSIONS.filter((d): d is Exclude<Dimension, 'all'> => d !== 'all');
const isoInstant = (example: string) => z.iso.datetime({ offset: true, error: `must be an ISO 8601 date-time such as ${example}` });

/** `GET /v1/usage` query parameters. */
export const usageQuerySchema = z.strictObject({
  from: isoInstant('2026-01-01T00:00:00Z').optional(),
  to: isoInstant('2026-01-31T23:59:59Z').optional(),
  granularity: z.enum(['hour', 'day'], { error: 'must be hour or day' }).optional(),
  groupBy: z.enum(GROUP_BYS, { error: `must be one of: ${GROUP_BYS.join(', ')}` }).optional(),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

/** The account's timezone (`preferences.timezone` on its profile, P17); undefined when it has none. */
export interface AccountTimezones {
  timezone(accountId: string): Promise<string | undefined>;
}

export interface UsagePoint extends UsageMetrics {
  /** `yyyy-mm-ddThh:00:00Z` for hours; `yyyy-mm-dd` for days, in the answer's timezone. */
  readonly period: string;
  /** The group's value; null without `groupBy`. */
  readonly group: string | null;
}

export interface UsageAnswer {
  readonly object: 'usage';
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly groupBy: string | null;
  readonly timezone: string;
  readonly series: UsagePoint[];
  readonly totals: UsageMetrics;
}

export interface UsageService {
  /** The account's usage over the range (reaching back at most `analyticsDays`), and the DynamoDB Queries it took. */
  usage(accountId: string, analyticsDays: number, query: UsageQuery): Promise<{ answer: UsageAnswer; queries: number }>;
}

export function createUsageService({
  rollups,
  timezones,
  now = Date.now,
}: {
  rollups: RollupReader;
  timezones: AccountTimezones;
  now?: () => number;
}): UsageService {
  return {
    async usage(accountId, analyticsDays, query) {
      const at = now();
      const to = query.to === undefined ? at : Math.min(Date.parse(query.to), at);
      const from = query.from === undefined ? Math.max(to - DEFAULT_RANGE_DAYS * DAY_MS, at - analyticsDays * DAY_MS) : Date.parse(query.from);
      if (from >= to) throw new ApiError('invalid_request', "Invalid 'from': must be before 'to'.", { param: 'from' });
      const earliest = at - analyticsDays * DAY_MS;
      if (from < earliest) {
        throw new ApiError(
          'invalid_request',
          `Invalid 'from': your plan's analytics reach back ${analyticsDays} days, to ${new Date(earliest).toISOString()}.`,
          {
            param: 'from',
          },
        );
      }
      const granularity = query.granularity ?? 'day';
      if (granularity === 'hour' && to - from > MAX_HOURLY_DAYS * DAY_MS)
        throw new ApiError('invalid_request', `Invalid 'granularity': an hourly series spans at most ${MAX_HOURLY_DAYS} days.`, { param: 'granularity' });
      const timezone = knownTimezone(await timezones.timezone(accountId));
      const dimension = query.groupBy ?? 'all';
      // Days in another timezone are made of UTC hours; UTC days are stored as they are.
      const stored: Granularity = granularity === 'day' && isUtc(timezone) ? 'day' : 'hour';
      const { rollups: rows, queries } = await rollups.read(accountId, {
        granularity: stored,
        dimension,
        from: periodOf(from, stored),
        to: periodOf(to, stored),
      });
      const label = granularity === 'hour' ? (period: string) => `${period}:00:00Z` : stored === 'day' ? (period: string) => period : localDay(timezone);
      const answer: UsageAnswer = {
        object: 'usage',
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        granularity,
        groupBy: query.groupBy ?? null,
        timezone,
        ...summarise(rows, label, query.groupBy),
      };
      return { answer, queries };
    },
  };
}

/** Rows summed per period label and group, in period then group order; and everything summed. */
function summarise(rows: readonly StoredRollup[], label: (period: string) => string, groupBy: Dimension | undefined): Pick<UsageAnswer, 'series' | 'totals'> {
  const points = new Map<string, { period: string; group: string | null; counters: Map<string, number> }>();
  const all = new Map<string, number>();
  for (const row of rows) {
    const period = label(row.period);
    const group = groupBy === undefined ? null : groupBy === 'model' ? row.value.slice(row.value.indexOf(':') + 1) : row.value;
    const id = `${period}|${group ?? ''}`;
    const point = points.get(id) ?? { period, group, counters: new Map() };
    addCounters(point.counters, row.counters);
    addCounters(all, row.counters);
    points.set(id, point);
  }
  const series = [...points.values()]
    .sort((a, b) => (a.period === b.period ? (a.group ?? '').localeCompare(b.group ?? '') : a.period < b.period ? -1 : 1))
    .map(({ period, group, counters }) => ({ period, group, ...metricsOf(counters) }));
  return { series, totals: metricsOf(all) };
}

/** The stored period holding `at`: `yyyy-mm-ddThh` or `yyyy-mm-dd`, UTC. */
export function periodOf(at: number, granularity: Granularity): string {
  return new Date(granularity === 'hour' ? Math.floor(at / HOUR_MS) * HOUR_MS : at).toISOString().slice(0, granularity === 'hour' ? 13 : 10);
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT']);
function isUtc(timezone: string): boolean {
  return UTC_NAMES.has(timezone);
}

/** The profile's timezone when the runtime knows it as an IANA zone; UTC otherwise. */
function knownTimezone(timezone: string | undefined): string {
  if (timezone === undefined) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** A UTC hour period → the local date (`yyyy-mm-dd`) its start falls on in `timezone`. */
function localDay(timezone: string): (period: string) => string {
  // en-CA formats dates as yyyy-mm-dd.
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const cache = new Map<string, string>();
  return (period) => {
    let day = cache.get(period);
    if (day === undefined) {
      day = format.format(new Date(`${period}:00:00Z`));
      cache.set(period, day);
    }
    return day;
  };
}

const CSV_COLUMNS = [
  'period',
  'group',
  'requests',
  'errors',
  'fallbacks',
  'refused',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'reasoning_tokens',
  'cost_usd',
  'savings_usd',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'ttft_p50_ms',
  'ttft_p95_ms',
  'ttft_p99_ms',
] as const;

/** The series as CSV (RFC 4180), one row per point, with the answer's columns flattened. */
export function usageCsv(answer: UsageAnswer): string {
  const rows = answer.series.map((p) =>
    [
      p.period,
      p.group ?? '',
      p.requests,
      p.errors,
      p.fallbacks,
      p.refused,
      p.tokens.prompt,
      p.tokens.completion,
      p.tokens.cached,
      p.tokens.reasoning,
      p.costUsd,
      p.savingsUsd,
      p.latencyMs.p50,
      p.latencyMs.p95,
      p.latencyMs.p99,
      p.ttftMs.p50,
      p.ttftMs.p95,
      p.ttftMs.p99,
    ].map(csvField),
  );
  return [CSV_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\r\n').concat('\r\n');
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  // A spreadsheet must not read a group value as a formula.
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
