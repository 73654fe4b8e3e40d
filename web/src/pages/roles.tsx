import { useState } from 'preact/hooks';
import { api, type List } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { DataTable } from '../components/data-table.js';
import { PageState } from '../components/page-state.js';
import { ErrorMessage, PageHeader } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';
import { ClassifyBox } from './roles/classify-box.js';

interface RoleView {
  readonly name: string;
  readonly description: string;
  readonly keywords: string[];
  readonly examples: string[];
  readonly builtIn: boolean;
  readonly overridden: boolean;
}

export function RolesPage() {
  const [loaded, reload] = useApi<List<RoleView>>('/v1/roles');
  const remove = useAction();
  return (
    <>
      <PageHeader title="Roles" />
      <p>
        The tasks a <code>role</code> config routes by. The built-ins can be overridden; your own roles join them.
      </p>
      <ClassifyBox />
      <CreateRole onCreated={reload} />
      <ErrorMessage message={remove.error} />
      <PageState loaded={loaded} what="roles" retry={reload}>
        {(list) => (
          <DataTable
            caption="Roles"
            captionHidden
            rows={list.data}
            rowKey={(r) => r.name}
            empty="No roles."
            columns={[
              { header: 'Name', cell: (r) => r.name },
              { header: 'Kind', cell: (r) => (r.builtIn ? (r.overridden ? 'built-in, overridden' : 'built-in') : 'custom') },
              { header: 'Description', cell: (r) => r.description },
              { header: 'Keywords', cell: (r) => r.keywords.join(', ') },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (r) =>
                  (!r.builtIn || r.overridden) && (
                    <ConfirmButton
                      label={r.builtIn ? 'Restore' : 'Delete'}
                      subject={r.builtIn ? `built-in role ${r.name}` : `role ${r.name}`}
                      question={r.builtIn ? 'Your override is discarded.' : 'Configs cannot use it any more.'}
                      disabled={remove.busy}
                      onConfirm={() => void remove.run(() => api('DELETE', `/v1/roles/${encodeURIComponent(r.name)}`)).then(reload)}
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

function CreateRole({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [keywords, setKeywords] = useState('');
  const create = useAction();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const body = {
      name: name.trim(),
      description,
      keywords: keywords
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    };
    if (await create.run(() => api('POST', '/v1/roles', body))) {
      setName('');
      setDescription('');
      setKeywords('');
      onCreated();
    }
  };
  return (
    <form class="card" aria-labelledby="create-role" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="create-role">Add a custom role</h2>
      <label>
        Name
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Description
        <textarea required value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <label>
        Keywords <span class="hint">(comma-separated)</span>
        <input value={keywords} onInput={(e) => setKeywords(e.currentTarget.value)} />
      </label>
      <ErrorMessage message={create.error} />
      <button type="submit" disabled={create.busy}>
        Add role
      </button>
    </form>
  );
}
