import { useState } from 'preact/hooks';
import type { ApiKeyView } from '../../../lambdas/keys/api-keys-service.js';
import { api, type List } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { DataTable } from '../components/data-table.js';
import { InlineEdit } from '../components/inline-edit.js';
import { PageState } from '../components/page-state.js';
import { ErrorMessage, formatTime, PageHeader } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';

interface CreatedKey extends ApiKeyView {
  readonly key: string;
}

export function ApiKeysPage() {
  const [keys, reload] = useApi<List<ApiKeyView>>('/v1/api-keys');
  const [configs] = useApi<List<{ name: string }>>('/v1/configs');
  const change = useAction();
  const configNames = configs.state === 'ready' ? configs.data.data.map((c) => c.name) : [];
  return (
    <>
      <PageHeader title="API keys" />
      <p>
        Your applications call RouKey with these keys (<code>Authorization: Bearer rk_…</code>). A key bound to a routing config routes every request by it,
        whatever model the request names.
      </p>
      <CreateApiKey onCreated={reload} />
      <h2>Your keys</h2>
      <ErrorMessage message={change.error} />
      <PageState loaded={keys} what="API keys" retry={reload}>
        {(list) => (
          <DataTable
            caption="Your API keys"
            captionHidden
            rows={list.data}
            rowKey={(k) => k.id}
            empty="No API keys yet. Create one above and give it to your application."
            columns={[
              { header: 'Name', cell: (k) => k.name },
              { header: 'Key', cell: (k) => <code>{k.hint}</code> },
              {
                header: 'Routing config',
                cell: (k) => (
                  <select
                    aria-label={`Routing config of ${k.name}`}
                    value={k.config ?? ''}
                    disabled={change.busy}
                    onChange={(e) => {
                      const config = e.currentTarget.value || null;
                      void change.run(() => api('PATCH', `/v1/api-keys/${encodeURIComponent(k.id)}`, { config })).then(reload);
                    }}
                  >
                    <option value="">None (the request's model decides)</option>
                    {[...new Set([...configNames, ...(k.config ? [k.config] : [])])].map((name) => (
                      <option key={name} value={name}>
                        {name}
                      </option>
                    ))}
                  </select>
                ),
              },
              { header: 'Last used', cell: (k) => formatTime(k.lastUsedAt) },
              { header: 'Created', cell: (k) => formatTime(k.createdAt) },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (k) => (
                  <div class="actions">
                    <InlineEdit
                      label="Rename"
                      subject={`API key ${k.name}`}
                      field="New name"
                      initial={k.name}
                      disabled={change.busy}
                      onSave={async (name) => {
                        const done = await change.run(() => api('PATCH', `/v1/api-keys/${encodeURIComponent(k.id)}`, { name }));
                        reload();
                        return done !== undefined;
                      }}
                    />
                    <ConfirmButton
                      label="Revoke"
                      subject={`API key ${k.name}`}
                      question="Applications using it stop working within 30 seconds."
                      disabled={change.busy}
                      onConfirm={() => void change.run(() => api('DELETE', `/v1/api-keys/${encodeURIComponent(k.id)}`)).then(reload)}
                    />
                  </div>
                ),
              },
            ]}
          />
        )}
      </PageState>
    </>
  );
}

function CreateApiKey({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useAction();

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const key = await create.run(() => api<CreatedKey>('POST', '/v1/api-keys', { name: name.trim() }));
    if (key) {
      setCreated(key);
      setCopied(false);
      setName('');
      onCreated();
    }
  };

  return (
    <>
      <form class="card" aria-labelledby="create-api-key" onSubmit={(e) => void onSubmit(e)}>
        <h2 id="create-api-key">Create an API key</h2>
        <label>
          Name
          <input required maxLength={64} value={name} placeholder="my-app" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <ErrorMessage message={create.error} />
        <button type="submit" disabled={create.busy}>
          Create key
        </button>
      </form>
      {created && (
        <section class="card new-key" aria-labelledby="new-key-title">
          <h2 id="new-key-title">Your new key "{created.name}"</h2>
          <p class="warning" role="note">
            Copy it now: this is the only time RouKey shows it. Only a hash is stored.
          </p>
          <output class="secret" data-testid="new-api-key">
            {created.key}
          </output>
          <div class="row">
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard.writeText(created.key).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy key'}
            </button>
            <button type="button" class="link" onClick={() => setCreated(null)}>
              I have stored it
            </button>
          </div>
        </section>
      )}
    </>
  );
}
