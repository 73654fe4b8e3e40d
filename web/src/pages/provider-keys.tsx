import { useState } from 'preact/hooks';
import type { ProviderKeyView } from '../../../lambdas/keys/provider-keys-service.js';
import { api, type List } from '../api.js';
import { Empty, ErrorMessage, formatTime, PageHeader, Resource } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';
import { PROVIDER_IDS, PROVIDER_PRESETS, type ProviderId } from './provider-presets.js';

export function ProviderKeysPage() {
  const [loaded, reload] = useApi<List<ProviderKeyView>>('/v1/provider-keys');
  const remove = useAction();
  return (
    <>
      <PageHeader title="Provider keys" />
      <p>Your own keys for each provider. RouKey stores them encrypted and never shows them again: only their last four characters.</p>
      <AddProviderKey onAdded={reload} />
      <h2>Your keys</h2>
      <ErrorMessage message={remove.error} />
      <Resource loaded={loaded} what="provider keys">
        {(list) =>
          list.data.length === 0 ? (
            <Empty>No provider keys yet. Add one above: every request RouKey routes is sent with one of them.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Key</th>
                  <th scope="col">Base URL or region</th>
                  <th scope="col">Added</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>{PROVIDER_PRESETS[k.provider]?.label ?? k.provider}</td>
                    <td>
                      <code>{k.hint || '—'}</code>
                    </td>
                    <td>{k.region ?? k.baseUrl ?? 'default'}</td>
                    <td>{formatTime(k.createdAt)}</td>
                    <td>
                      <button
                        type="button"
                        class="danger"
                        disabled={remove.busy}
                        aria-label={`Delete provider key ${k.name}`}
                        onClick={() => {
                          if (window.confirm(`Delete the provider key "${k.name}"?`))
                            void remove.run(() => api('DELETE', `/v1/provider-keys/${encodeURIComponent(k.id)}`)).then(reload);
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
