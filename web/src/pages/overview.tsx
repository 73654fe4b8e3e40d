import { useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import type { UsageAnswer } from '../../../lambdas/usage/usage-service.js';
import type { List } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { PageState } from '../components/page-state.js';
import { TimeChart } from '../components/time-chart.js';
import { formatCount, formatShare, formatUsd } from '../ui/format.js';
import { PageHeader } from '../ui/states.js';
import { type Loaded, useApi } from '../ui/use-api.js';
import { chartOf, groupTotals, METRIC_IDS, METRICS, type MetricId } from './usage-series.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The API's longest hourly series (lambdas/usage/usage-service.ts MAX_HOURLY_DAYS); longer ranges are daily. */
const MAX_HOURLY_DAYS = 31;
const RANGES = { '24h': { label: '24 hours', ms: DAY_MS }, '7d': { label: '7 days', ms: 7 * DAY_MS }, '30d': { label: '30 days', ms: 30 * DAY_MS } } as const;
type RangeId = keyof typeof RANGES | 'custom';
type GroupBy = '' | 'model' | 'provider';

/** The usage query of a range: whole hours (a stable address for the same range), hourly up to the API's limit. */
function usagePath(range: RangeId, custom: { from: string; to: string }, groupBy: GroupBy, now: number): string | null {
  let from: number;
  let to: number;
  if (range === 'custom') {
    from = Date.parse(`${custom.from}T00:00:00`);
    to = Date.parse(`${custom.to}T00:00:00`) + DAY_MS - 1;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) return null;
    to = Math.min(to, now);
  } else {
    to = Math.ceil(now / HOUR_MS) * HOUR_MS - 1;
    from = to + 1 - RANGES[range].ms;
  }
  const granularity = to - from <= MAX_HOURLY_DAYS * DAY_MS ? 'hour' : 'day';
  const query = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), granularity });
  if (groupBy) query.set('groupBy', groupBy);
  return `/v1/usage?${query}`;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Requests, cost, savings, tokens, latency and errors over a chosen range, by model or provider. */
export function OverviewPage() {
  const [range, setRange] = useState<RangeId>('24h');
  const [custom, setCustom] = useState(() => ({ from: isoDay(Date.now() - 7 * DAY_MS), to: isoDay(Date.now()) }));
  const [groupBy, setGroupBy] = useState<GroupBy>('');
  const [metric, setMetric] = useState<MetricId>('requests');
  const [generation, setGeneration] = useState(0);
  // `generation` is the refresh button's way to move "now".
  const now = useMemo(() => Date.now(), [generation, range]);
  const path = usagePath(range, custom, groupBy, now);
  const [usage, reload] = useApi<UsageAnswer>(path);

  return (
    <>
      <PageHeader title="Overview">
        <button
          type="button"
          class="link"
          onClick={() => {
            setGeneration((g) => g + 1);
            reload();
          }}
        >
          Refresh
        </button>
      </PageHeader>
      <SetupSteps />
      <form class="filters" aria-label="Usage range" onSubmit={(e) => e.preventDefault()}>
        <fieldset class="segmented">
          <legend>Range</legend>
          {([...Object.keys(RANGES), 'custom'] as RangeId[]).map((id) => (
            <label key={id}>
              <input type="radio" name="range" value={id} checked={range === id} onChange={() => setRange(id)} />
              {id === 'custom' ? 'Custom' : RANGES[id].label}
            </label>
          ))}
        </fieldset>
        {range === 'custom' && (
          <>
            <label>
              From
              <input type="date" value={custom.from} max={custom.to} onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })} />
            </label>
            <label>
              To
              <input type="date" value={custom.to} min={custom.from} onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })} />
            </label>
          </>
        )}
        <label>
          By
          <select value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as GroupBy)}>
            <option value="">All traffic</option>
            <option value="model">Model</option>
            <option value="provider">Provider</option>
          </select>
        </label>
        <label>
          Chart
          <select value={metric} onChange={(e) => setMetric(e.currentTarget.value as MetricId)}>
            {METRIC_IDS.map((id) => (
              <option key={id} value={id}>
                {METRICS[id].label}
              </option>
            ))}
          </select>
        </label>
      </form>
      {path === null ? (
        <p class="error" role="alert">
          Choose a start date on or before the end date.
        </p>
      ) : (
        <PageState
          loaded={usage}
          what="usage"
          retry={reload}
          isEmpty={(u) => u.totals.requests === 0}
          empty={
            <>
              <p>No requests in this range yet.</p>
              <p>
                Send one with an <Link href="/api-keys">API key</Link>: <code>POST /v1/chat/completions</code> with{' '}
                <code>model: "&lt;provider-key name&gt;/&lt;model&gt;"</code>. It appears here within a minute; pick a longer range to see older traffic.
              </p>
            </>
          }
        >
          {(answer) => <UsageView answer={answer} metric={metric} />}
        </PageState>
      )}
    </>
  );
}

function UsageView({ answer, metric }: { answer: UsageAnswer; metric: MetricId }) {
  const m = METRICS[metric];
  const chart = useMemo(() => chartOf(answer, m), [answer, m]);
  const groups = useMemo(() => groupTotals(answer), [answer]);
  const t = answer.totals;
  const tiles: [string, string][] = [
    ['Requests', formatCount(t.requests)],
    ['Cost', formatUsd(t.costUsd)],
    ['Savings', formatUsd(t.savingsUsd)],
    ['Tokens', formatCount(t.tokens.prompt + t.tokens.completion)],
    ['Latency p50', METRICS.p50.total(t.latencyMs.p50)],
    ['Latency p95', METRICS.p95.total(t.latencyMs.p95)],
    ['Error rate', METRICS.errorRate.total(METRICS.errorRate.of(t))],
  ];
  const per = answer.granularity === 'hour' ? 'hour' : 'day';
  return (
    <>
      <dl class="tiles" aria-label="Totals over the range">
        {tiles.map(([label, value]) => (
          <div key={label} class="tile">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <TimeChart
        title={`${m.label} per ${per}${answer.groupBy ? ` by ${answer.groupBy}` : ''}`}
        summary={`${chart.x.length} ${per}s from ${new Date(answer.from).toLocaleString()} to ${new Date(answer.to).toLocaleString()}; total over the range ${m.total(m.of(t))}.`}
        x={chart.x}
        series={chart.series}
        format={m.axis}
      />
      <p class="hint">
        Times in {answer.timezone}. {groups.length > chart.series.length ? `The chart draws the ${chart.series.length} busiest; the table lists all.` : ''}
      </p>
      {answer.groupBy && (
        <DataTable
          caption={`By ${answer.groupBy}`}
          rows={groups}
          rowKey={(g) => g.group}
          empty="No traffic in this range."
          columns={[
            { header: answer.groupBy === 'model' ? 'Model' : 'Provider', cell: (g) => g.group },
            { header: 'Requests', numeric: true, cell: (g) => formatCount(g.requests) },
            { header: 'Error rate', numeric: true, cell: (g) => formatShare(g.requests ? g.errors / g.requests : null) },
            { header: 'Tokens', numeric: true, cell: (g) => formatCount(g.tokens) },
            { header: 'Cost', numeric: true, cell: (g) => formatUsd(g.costUsd) },
            { header: 'Savings', numeric: true, cell: (g) => formatUsd(g.savingsUsd) },
          ]}
        />
      )}
    </>
  );
}

function count(loaded: Loaded<List<unknown>>): number | null {
  return loaded.state === 'ready' ? loaded.data.data.length : null;
}

/** What a new account sets up first, in order, with what is done so far; gone once all of it is. */
function SetupSteps() {
  const [providerKeys] = useApi<List<unknown>>('/v1/provider-keys');
  const [apiKeys] = useApi<List<unknown>>('/v1/api-keys');
  const [configs] = useApi<List<unknown>>('/v1/configs');
  const steps = [
    {
      href: '/provider-keys',
      title: 'Add a provider key',
      detail: 'Your own key for OpenAI, Anthropic, Google, Bedrock or another provider.',
      loaded: providerKeys,
    },
    { href: '/api-keys', title: 'Create an API key', detail: 'Your application calls RouKey with it, as it would call OpenAI.', loaded: apiKeys },
    { href: '/configs', title: 'Create a routing config (optional)', detail: 'Fall back between providers, split traffic, route by task.', loaded: configs },
  ];
  if (steps.every((s) => count(s.loaded))) return null;
  return (
    <section class="card" aria-labelledby="setup-title">
      <h2 id="setup-title">Get started</h2>
      <ol class="steps">
        {steps.map((s) => {
          const n = count(s.loaded);
          return (
            <li key={s.href} class={n ? 'done' : undefined}>
              <Link href={s.href}>{s.title}</Link>
              <span class="hint">{s.detail}</span>
              <span class="count">
                {s.loaded.state === 'loading' ? 'Loading…' : s.loaded.state === 'error' ? s.loaded.message : n ? `${n} so far` : 'None yet'}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
