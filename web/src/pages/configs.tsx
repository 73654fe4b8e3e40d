import { Link } from 'wouter-preact';
import { api, type List } from '../api.js';
import { Empty, ErrorMessage, formatTime, PageHeader, Resource } from '../ui/states.js';
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
      <Resource loaded={loaded} what="routing configs">
        {(list) =>
          list.data.length === 0 ? (
            <Empty>
              No routing configs yet. <Link href="/configs/new">Create one</Link> to fall back between providers, split traffic or route by task.
            </Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Strategy</th>
                  <th scope="col">Description</th>
                  <th scope="col">Updated</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((c) => (
                  <tr key={c.name}>
                    <td>
                      <Link href={`/configs/${encodeURIComponent(c.name)}`}>{c.name}</Link>
                    </td>
                    <td>{c.strategy}</td>
                    <td>{c.description ?? ''}</td>
                    <td>{formatTime(c.updatedAt)}</td>
                    <td>
                      <button
                        type="button"
                        class="danger"
                        disabled={remove.busy}
                        aria-label={`Delete config ${c.name}`}
                        onClick={() => {
                          if (window.confirm(`Delete the config "${c.name}"?`))
                            void remove.run(() => api('DELETE', `/v1/configs/${encodeURIComponent(c.name)}`)).then(reload);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Resource>
    </>
  );
}
