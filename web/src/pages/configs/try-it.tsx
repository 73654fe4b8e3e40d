import { useState } from 'preact/hooks';
import { CONFIG_MODEL_PREFIX } from '../../../../lambdas/routing/config-schema.js';
import { apiBaseUrl } from '../../api.js';
import { ErrorMessage } from '../../ui/states.js';

/** The routing headers the router answers with (lambdas/inbound/response-headers.ts), in the order they are shown. */
const DECISION_HEADERS = [
  ['x-roukey-strategy', 'Strategy'],
  ['x-roukey-route', 'Route (role, band, variant or rule)'],
  ['x-roukey-provider', 'Provider'],
  ['x-roukey-model', 'Model'],
  ['x-roukey-attempts', 'Upstream calls'],
  ['x-roukey-request-id', 'Request id'],
] as const;

interface Tried {
  readonly status: number;
  readonly decision: readonly (readonly [string, string])[];
  readonly answer?: string;
  readonly tokens?: { prompt?: number; completion?: number };
  readonly error?: string;
}

/**
 * Sends one chat request through the config, as an app would: `POST /v1/chat/completions` with `model:
 * "roukey/<name>"` and one of the account's own API keys (the sign-in token cannot call the router). The key, the
 * prompt and the answer live in this component's state only: never stored, logged or put in a URL, and gone when
 * the page is left.
 */
export function TryIt({ configName }: { configName: string }) {
  const [apiKey, setApiKey] = useState('');
  const [prompt, setPrompt] = useState('');
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState<Tried | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setTried(null);
    try {
      setTried(await tryConfig(apiKey.trim(), configName, prompt));
    } catch {
      setError('The router could not be reached. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" aria-labelledby="try-it" onSubmit={(e) => void send(e)}>
      <h2 id="try-it">Try it</h2>
      <p class="hint">
        Sends one request through this config with one of your API keys, as your app would. The key, the prompt and the answer stay in this page: RouKey records
        the request's metadata like any other, never its content.
      </p>
      <label>
        API key <span class="hint">(rk_…; kept in this page only, never stored)</span>
        <input type="password" autoComplete="off" spellcheck={false} required value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
      </label>
      <label>
        Prompt
        <textarea required rows={3} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={busy || !apiKey.trim() || !prompt.trim()}>
        {busy ? 'Sending…' : 'Send'}
      </button>
      <ErrorMessage message={error} />
      {tried && <TryResult tried={tried} />}
    </form>
  );
}

function TryResult({ tried }: { tried: Tried }) {
  return (
    <section aria-label="Result" aria-live="polite">
      <h3>Routing decision</h3>
      {tried.decision.length === 0 ? (
        <p class="hint">The router answered before routing (HTTP {tried.status}).</p>
      ) : (
        <dl class="decision">
          {tried.decision.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <ErrorMessage message={tried.error ?? null} />
      {tried.answer !== undefined && (
        <>
          <h3>Answer</h3>
          <p class="answer">{tried.answer}</p>
          {tried.tokens && (
            <p class="hint">
              {tried.tokens.prompt ?? '?'} prompt tokens, {tried.tokens.completion ?? '?'} completion tokens
            </p>
          )}
        </>
      )}
    </section>
  );
}

async function tryConfig(apiKey: string, configName: string, prompt: string): Promise<Tried> {
  const res = await fetch(`${apiBaseUrl()}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: `${CONFIG_MODEL_PREFIX}${configName}`, messages: [{ role: 'user', content: prompt }] }),
  });
  const decision = DECISION_HEADERS.flatMap(([header, label]) => {
    const value = res.headers.get(header);
    return value === null ? [] : [[label, value] as const];
  });
  const body = (await res.json().catch(() => undefined)) as ChatAnswer | undefined;
  if (!res.ok) return { status: res.status, decision, error: body?.error?.message ?? `The router answered HTTP ${res.status}.` };
  const message = body?.choices?.[0]?.message;
  return {
    status: res.status,
    decision,
    answer: typeof message?.content === 'string' ? message.content : '(no text in the answer)',
    tokens: body?.usage ? { prompt: body.usage.prompt_tokens, completion: body.usage.completion_tokens } : undefined,
  };
}

interface ChatAnswer {
  readonly choices?: { message?: { content?: unknown } }[];
  readonly usage?: { prompt_tokens?: number; completion_tokens?: number };
  readonly error?: { message?: string };
}
