import { useState } from 'preact/hooks';
import type { ProviderKeyView } from '../../../lambdas/keys/provider-keys-service.js';
import { api, type List } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { DataTable } from '../components/data-table.js';
import { InlineEdit } from '../components/inline-edit.js';
import { PageState } from '../components/page-state.js';
import { ErrorMessage, formatTime, PageHeader } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';
import { PROVIDER_IDS, PROVIDER_PRESETS, type ProviderId } from './provider-presets.js';

export function ProviderKeysPage() {
  const [loaded, reload] = useApi<List<ProviderKeyView>>('/v1/provider-keys');
  const change = useAction();
  return (
    <>
      <PageHeader title="Provider keys" />
      <p>Your own keys for each provider. RouKey stores them encrypted and never shows them again: only their last four characters.</p>
      <AddProviderKey onAdded={reload} />
      <h2>Your keys</h2>
      <ErrorMessage message={change.error} />
      <PageState loaded={loaded} what="provider keys" retry={reload}>
        {(list) => (
          <DataTable
            caption="Your provider keys"
            captionHidden
            rows={list.data}
            rowKey={(k) => k.id}
            empty="No provider keys yet. Add one above: every request RouKey routes is sent with one of them."
            columns={[
              { header: 'Name', cell: (k) => k.name },
              { header: 'Provider', cell: (k) => PROVIDER_PRESETS[k.provider]?.label ?? k.provider },
              { header: 'Key', cell: (k) => <code>{k.hint || '—'}</code> },
              { header: 'Base URL or region', cell: (k) => k.region ?? k.baseUrl ?? 'default' },
              { header: 'Added', cell: (k) => formatTime(k.createdAt) },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (k) => (
                  <div class="actions">
                    {k.provider !== 'bedrock' && (
                      <InlineEdit
                        label="Rotate"
                        subject={`provider key ${k.name}`}
                        field="New API key"
                        type="password"
                        disabled={change.busy}
                        onSave={async (apiKey) => {
                          const done = await change.run(() => api('PATCH', `/v1/provider-keys/${encodeURIComponent(k.id)}`, { apiKey }));
                          reload();
                          return done !== undefined;
                        }}
                      />
                    )}
                    <ConfirmButton
                      label="Delete"
                      subject={`provider key ${k.name}`}
                      question={`Delete "${k.name}"?`}
                      disabled={change.busy}
                      onConfirm={() => void change.run(() => api('DELETE', `/v1/provider-keys/${encodeURIComponent(k.id)}`)).then(reload)}
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

function AddProviderKey({ onAdded }: { onAdded: () => void }) {
  const [provider, setProvider] = useState<ProviderId>('openai');
  const [name, setName] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [apiVersion, setApiVersion] = useState('');
  const [region, setRegion] = useState('');
  const add = useAction();
  const preset = PROVIDER_PRESETS[provider];

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const body = {
      provider,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(preset.apiKey ? { apiKey } : {}),
      ...(preset.baseUrl !== 'none' && baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
      ...(preset.apiVersion && apiVersion.trim() ? { apiVersion: apiVersion.trim() } : {}),
      ...(preset.region ? { region: region.trim() } : {}),
    };
    const created = await add.run(() => api('POST', '/v1/provider-keys', body));
    if (created) {
      setName('');
      setApiKey('');
      setBaseUrl('');
      onAdded();
    }
  };

  return (
    <form class="card" aria-labelledby="add-provider-key" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="add-provider-key">Add a provider key</h2>
      <label>
        Provider
        <select value={provider} onChange={(e) => setProvider(e.currentTarget.value as ProviderId)}>
          {PROVIDER_IDS.map((id) => (
            <option key={id} value={id}>
              {PROVIDER_PRESETS[id].label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name <span class="hint">(used in model names: &lt;name&gt;/&lt;model&gt;; default: {provider})</span>
        <input value={name} pattern="[a-z0-9\-]{1,64}" placeholder={provider} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      {preset.apiKey && (
        <label>
          API key
          <input type="password" autocomplete="off" required value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </label>
      )}
      {preset.baseUrl !== 'none' && (
        <label>
          Base URL {preset.baseUrl === 'optional' && <span class="hint">(optional)</span>}
          <input
            type="url"
            required={preset.baseUrl === 'required'}
            placeholder={preset.baseUrlHint}
            value={baseUrl}
            onInput={(e) => setBaseUrl(e.currentTarget.value)}
          />
        </label>
      )}
      {preset.apiVersion && (
        <label>
          API version <span class="hint">(YYYY-MM-DD or YYYY-MM-DD-preview)</span>
          <input value={apiVersion} placeholder="2024-10-21" onInput={(e) => setApiVersion(e.currentTarget.value)} />
        </label>
      )}
      {preset.region && (
        <label>
          AWS region
          <input required value={region} placeholder="us-east-1" onInput={(e) => setRegion(e.currentTarget.value)} />
        </label>
      )}
      <ErrorMessage message={add.error} />
      <button type="submit" disabled={add.busy}>
        Add key
      </button>
    </form>
  );
}
