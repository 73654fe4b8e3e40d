import { Link } from 'wouter-preact';
import { api, type List } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { DataTable } from '../components/data-table.js';
import { PageState } from '../components/page-state.js';
import { ErrorMessage, formatTime, PageHeader } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';

interface ConfigView {
  readonly name: string;
  readonly strategy: string;
  readonly description?: string;
  readonly updatedAt: string;
}

export function ConfigsPage() {
  const [loaded, reload] = useApi<List<ConfigView>>('/v1/configs');
  const remove = useAction();
  return (
    <>
      <PageHeader title="Routing configs">
        <Link class="button" href="/configs/new">
          New config
        </Link>
      </PageHeader>
      <p>
        A config decides which provider and model answer a request: call it with <code>model: "roukey/&lt;name&gt;"</code>, or bind it to an API key.
      </p>
      <ErrorMessage message={remove.error} />
      <PageState loaded={loaded} what="routing configs" retry={reload}>
        {(list) => (
          <DataTable
            caption="Your routing configs"
            captionHidden
            rows={list.data}
            rowKey={(c) => c.name}
            empty={
              <>
                No routing configs yet. <Link href="/configs/new">Create one</Link> to fall back between providers, split traffic or route by task.
              </>
            }
            columns={[
              { header: 'Name', cell: (c) => <Link href={`/configs/${encodeURIComponent(c.name)}`}>{c.name}</Link> },
              { header: 'Strategy', cell: (c) => c.strategy },
              { header: 'Description', cell: (c) => c.description ?? '' },
              { header: 'Updated', cell: (c) => formatTime(c.updatedAt) },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (c) => (
                  <ConfirmButton
                    label="Delete"
                    subject={`config ${c.name}`}
                    question={`Requests for roukey/${c.name} are refused from then on.`}
                    disabled={remove.busy}
                    onConfirm={() => void remove.run(() => api('DELETE', `/v1/configs/${encodeURIComponent(c.name)}`)).then(reload)}
                  />
                ),
              },
            ]}
          />
        )}
      </PageState>
    </>
  );
}
