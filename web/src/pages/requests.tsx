import { useState } from 'preact/hooks';
import type { ApiKeyView } from '../../../lambdas/keys/api-keys-service.js';
import type { RequestList, RequestView } from '../../../lambdas/usage/request-log.js';
import type { List } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { PageState } from '../components/page-state.js';
import { formatCount, formatMs, formatUsd } from '../ui/format.js';
import { formatTime, PageHeader } from '../ui/states.js';
import { useApi } from '../ui/use-api.js';

const STATUSES = [
  ['', 'Any status'],
  ['2xx', 'Succeeded (2xx)'],
  ['4xx', 'Refused (4xx)'],
  ['429', 'Rate limited (429)'],
  ['5xx', 'Failed (5xx)'],
] as const;

interface Filters {
  readonly status: string;
  readonly model: string;
  readonly apiKey: string;
  readonly config: string;
}
const NO_FILTERS: Filters = { status: '', model: '', apiKey: '', config: '' };

/** The request log (metadata only: there is no content to show), filtered and paged, with one request's detail. */
export function RequestsPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // The cursors of the pages before this one, so "Newer" can go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [keys] = useApi<List<ApiKeyView>>('/v1/api-keys');
  const [configs] = useApi<List<{ name: string }>>('/v1/configs');
  const query = new URLSearchParams({ limit: '25' });
  for (const [name, value] of Object.entries(filters)) if (value.trim()) query.set(name, value.trim());
  const cursor = cursors.at(-1);
  if (cursor) query.set('cursor', cursor);
  const [page, reload] = useApi<RequestList>(`/v1/requests?${query}`);
  const keyNames = new Map(keys.state === 'ready' ? keys.data.data.map((k) => [k.id, k.name]) : []);
  const filtered = Object.values(filters).some((v) => v.trim());

  return (
    <>
      <PageHeader title="Requests">
        <button type="button" class="link" onClick={reload}>
          Refresh
        </button>
      </PageHeader>
      <p>Every request RouKey answered for this account: who sent it, where it was routed and how it ended. No prompt or answer is ever stored.</p>
      <form
        class="filters"
        aria-label="Filter requests"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          setCursors([]);
          setSelected(null);
        }}
      >
        <label>
          Status
          <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input value={draft.model} placeholder="gpt-4o-mini" onInput={(e) => setDraft({ ...draft, model: e.currentTarget.value })} />
        </label>
        <label>
          API key
          <select value={draft.apiKey} onChange={(e) => setDraft({ ...draft, apiKey: e.currentTarget.value })}>
            <option value="">Any key</option>
            {[...keyNames].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Routing config
          <select value={draft.config} onChange={(e) => setDraft({ ...draft, config: e.currentTarget.value })}>
            <option value="">Any config</option>
            {(configs.state === 'ready' ? configs.data.data : []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <PageState loaded={page} what="requests" retry={reload}>
        {(list) => (
          <div class="log">
            <div class="log-list">
              <DataTable
                caption="Requests, newest first"
                captionHidden
                rows={list.data}
                rowKey={(r) => r.id}
                selected={selected}
                empty={
                  filtered
                    ? 'No request matches these filters. Clear a filter or choose another status.'
                    : 'No requests yet. Send one with an API key (POST /v1/chat/completions); it appears here at once.'
                }
                columns={[
                  { header: 'Time', cell: (r) => formatTime(r.startedAt) },
                  { header: 'Status', cell: (r) => <span class={r.status >= 400 ? 'error' : 'ok'}>{r.status}</span> },
                  { header: 'Model', cell: (r) => r.model ?? '—' },
                  { header: 'Key', cell: (r) => keyNames.get(r.apiKeyId) ?? r.apiKeyId },
                  { header: 'Config', cell: (r) => r.configName ?? '—' },
                  { header: 'Latency', numeric: true, cell: (r) => formatMs(r.latencyMs) },
                  {
                    header: 'Details',
                    hideHeader: true,
                    cell: (r) => (
                      <button type="button" class="link" aria-expanded={selected === r.id} aria-controls="request-detail" onClick={() => setSelected(r.id)}>
                        Details<span class="sr-only"> of the request at {formatTime(r.startedAt)}</span>
                      </button>
                    ),
                  },
                ]}
              />
              <nav class="pager" aria-label="Pages of requests">
                <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                  Newer
                </button>
                <button
                  type="button"
                  disabled={!list.has_more || !list.next_cursor}
                  onClick={() => list.next_cursor && setCursors([...cursors, list.next_cursor])}
                >
                  Older
                </button>
              </nav>
            </div>
            {selected && <RequestDetail id={selected} keyName={keyNames} onClose={() => setSelected(null)} />}
          </div>
        )}
      </PageState>
    </>
  );
}

function RequestDetail({ id, keyName, onClose }: { id: string; keyName: ReadonlyMap<string, string>; onClose: () => void }) {
  const [loaded, reload] = useApi<RequestView>(`/v1/requests/${encodeURIComponent(id)}`);
  return (
    <section id="request-detail" class="card detail" aria-labelledby="request-detail-title">
      <header class="page-header">
        <h2 id="request-detail-title">Request</h2>
        <button type="button" class="link" onClick={onClose}>
          Close<span class="sr-only"> the request's details</span>
        </button>
      </header>
      <PageState loaded={loaded} what="the request" retry={reload}>
        {(r) => {
          const facts: [string, string][] = [
            ['Id', r.id],
            ['Arrived', formatTime(r.startedAt)],
            ['Status', `${r.status}${r.errorType ? ` (${r.errorType})` : ''}${r.refusedBy ? `, refused by ${r.refusedBy}` : ''}`],
            ['API', r.operation ?? 'chat'],
            ['API key', keyName.get(r.apiKeyId) ?? r.apiKeyId],
            ['Model', r.model ? `${r.provider ?? '?'} · ${r.model}` : '—'],
            ['Latency', `${formatMs(r.latencyMs)}${r.ttftMs === undefined ? '' : `, first token ${formatMs(r.ttftMs)}`}${r.stream ? ', streamed' : ''}`],
            [
              'Tokens',
              `${formatCount(r.promptTokens)} in, ${formatCount(r.completionTokens)} out${r.cachedTokens ? `, ${formatCount(r.cachedTokens)} cached` : ''}${r.usageEstimated ? ' (estimated)' : ''}`,
            ],
            ['Cost', `${formatUsd(r.costUsd)}${r.classifierCostUsd ? ` + classifier ${formatUsd(r.classifierCostUsd)}` : ''}`],
          ];
          const decision: [string, string][] = [
            ['Config', r.configName ?? 'none (the model named in the request)'],
            ['Strategy', r.strategy ?? '—'],
            ['Chosen route', r.route ?? '—'],
            ...(r.classifier
              ? ([['Classifier', `${r.classifier}${r.confidence === undefined ? '' : `, confidence ${Math.round(r.confidence * 100)} %`}`]] as [
                  string,
                  string,
                ][])
              : []),
            ...(r.complexity === undefined ? [] : ([['Complexity', `${r.complexity} of 5`]] as [string, string][])),
          ];
          const attempts = r.attempts ?? [];
          const longest = Math.max(1, ...attempts.map((a) => a.latencyMs));
          return (
            <>
              <Facts items={facts} />
              <h3>Routing decision</h3>
              <Facts items={decision} />
              <h3>Attempts</h3>
              {attempts.length === 0 ? (
                <p class="hint">No provider was called (the request was refused before routing).</p>
              ) : (
                <ol class="timeline">
                  {attempts.map((a, i) => (
                    <li key={i} class={a.outcome === 'ok' ? 'ok' : 'failed'}>
                      <span class="timeline-target">{a.target}</span>
                      <span>
                        {a.outcome.replaceAll('_', ' ')}
                        {a.status === undefined ? '' : ` · HTTP ${a.status}`} · {formatMs(a.latencyMs)}
                      </span>
                      <span class="timeline-bar" style={{ width: `${Math.max(2, (a.latencyMs / longest) * 100)}%` }} />
                    </li>
                  ))}
                </ol>
              )}
            </>
          );
        }}
      </PageState>
    </section>
  );
}

function Facts({ items }: { items: readonly [string, string][] }) {
  return (
    <dl class="facts">
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
