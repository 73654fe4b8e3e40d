import { Link } from 'wouter-preact';
import type { List } from '../api.js';
import { PageHeader } from '../ui/states.js';
import { type Loaded, useApi } from '../ui/use-api.js';

function count(loaded: Loaded<List<unknown>>): number | null {
  return loaded.state === 'ready' ? loaded.data.data.length : null;
}

/** Where a new account starts: what to set up first, in order, with what is done so far. */
export function OverviewPage() {
  const [providerKeys] = useApi<List<unknown>>('/v1/provider-keys');
  const [apiKeys] = useApi<List<unknown>>('/v1/api-keys');
  const [configs] = useApi<List<unknown>>('/v1/configs');
  const steps = [
    {
      href: '/provider-keys',
      title: 'Add a provider key',
      detail: 'Your own key for OpenAI, Anthropic, Google, Bedrock or another provider.',
      n: count(providerKeys),
      loaded: providerKeys,
    },
    {
      href: '/api-keys',
      title: 'Create an API key',
      detail: 'Your application calls RouKey with it, as it would call OpenAI.',
      n: count(apiKeys),
      loaded: apiKeys,
    },
    {
      href: '/configs',
      title: 'Create a routing config (optional)',
      detail: 'Fall back between providers, split traffic, route by task.',
      n: count(configs),
      loaded: configs,
    },
  ];
  return (
    <>
      <PageHeader title="Overview" />
      <ol class="steps">
        {steps.map((s) => (
          <li key={s.href} class={s.n ? 'done' : undefined}>
            <Link href={s.href}>{s.title}</Link>
            <span class="hint">{s.detail}</span>
            <span class="count">
              {s.loaded.state === 'loading' ? 'Loading…' : s.loaded.state === 'error' ? s.loaded.message : s.n ? `${s.n} so far` : 'None yet'}
            </span>
          </li>
        ))}
      </ol>
      <p>
        Then call <code>POST /v1/chat/completions</code> with <code>model: "&lt;provider-key name&gt;/&lt;model&gt;"</code> or{' '}
        <code>"roukey/&lt;config&gt;"</code>.
      </p>
    </>
  );
}
