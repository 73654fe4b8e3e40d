import { useState } from 'preact/hooks';
import type { ProviderMetricsList } from '../../../lambdas/usage/provider-metrics.js';
import { DataTable } from '../components/data-table.js';
import { PageState } from '../components/page-state.js';
import { formatCount, formatMs, formatShare } from '../ui/format.js';
import { PageHeader } from '../ui/states.js';
import { useApi } from '../ui/use-api.js';

const WINDOWS = [
  ['1h', 'Last hour'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
] as const;

/** Health per provider and model, from this account's own traffic. */
export function ProvidersPage() {
  const [span, setSpan] = useState<string>('24h');
  const [loaded, reload] = useApi<ProviderMetricsList>(`/v1/metrics/providers?window=${span}`);
  return (
    <>
      <PageHeader title="Providers">
        <button type="button" class="link" onClick={reload}>
          Refresh
        </button>
      </PageHeader>
      <p>How each provider and model answered your requests over whole hours: latency, errors, fallbacks and availability.</p>
      <form class="filters" aria-label="Window" onSubmit={(e) => e.preventDefault()}>
        <label>
          Window
          <select value={span} onChange={(e) => setSpan(e.currentTarget.value)}>
            {WINDOWS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <PageState loaded={loaded} what="provider health" retry={reload}>
        {(list) => (
          <DataTable
            caption={`Provider health, ${new Date(list.from).toLocaleString()} to ${new Date(list.to).toLocaleString()}`}
            rows={list.data}
            rowKey={(m) => `${m.provider}/${m.model}`}
            empty="No traffic in this window. Send requests through an API key, or choose a longer window."
            columns={[
              { header: 'Provider', cell: (m) => m.provider },
              { header: 'Model', cell: (m) => m.model },
              { header: 'Requests', numeric: true, cell: (m) => formatCount(m.requests) },
              { header: 'p50', numeric: true, cell: (m) => formatMs(m.latencyMs.p50) },
              { header: 'p95', numeric: true, cell: (m) => formatMs(m.latencyMs.p95) },
              { header: 'p99', numeric: true, cell: (m) => formatMs(m.latencyMs.p99) },
              { header: 'First token p50', numeric: true, cell: (m) => formatMs(m.ttftMs.p50) },
              { header: 'Error rate', numeric: true, cell: (m) => formatShare(m.errorRate) },
              { header: 'Fallback rate', numeric: true, cell: (m) => formatShare(m.fallbackRate) },
              {
                header: 'Availability',
                numeric: true,
                cell: (m) => <span class={m.availability < 0.99 ? 'error' : 'ok'}>{formatShare(m.availability)}</span>,
              },
            ]}
          />
        )}
      </PageState>
    </>
  );
}
