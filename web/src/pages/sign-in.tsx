import { useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { localSignIn } from '../auth/local-sign-in.js';
import { session, type SignInMethod } from '../auth/session.js';
import type { DashboardConfig } from '../runtime-config.js';
import { ErrorMessage } from '../ui/states.js';

/** Only a path on this site is a place to come back to, never another origin. */
function safeReturn(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && next !== '/sign-in' ? next : '/';
}

export function SignInPage({ config, method }: { config: DashboardConfig; method: SignInMethod }) {
  const [, navigate] = useLocation();
  const next = safeReturn(new URLSearchParams(useSearch()).get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (config.mode === 'cognito') {
    return (
      <main id="main" class="sign-in">
        <h1>Sign in to RouKey</h1>
        <p class="mode">AWS: you sign in on Cognito managed login.</p>
        <button type="button" onClick={() => void method.begin(next)}>
          Continue to sign-in
        </button>
      </main>
    );
  }

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      session.value = await localSignIn(config, navigate).withPassword(email.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to RouKey</h1>
      <p class="mode">Local mode (npm start): sign in with the dev user's email and password that npm start printed.</p>
      <form onSubmit={(e) => void onSubmit(e)}>
        <label>
          Email
          <input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
