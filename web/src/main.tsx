import { render } from 'preact';
import { applyTheme } from './account/me.js';
import { App } from './app.js';
import { localSignIn } from './auth/local-sign-in.js';
import type { SignInMethod } from './auth/session.js';
import { loadConfig } from './runtime-config.js';
import './styles/index.css';

const root = document.getElementById('app') as HTMLElement;

async function start(): Promise<void> {
  // The browser's preference until the profile, read after sign-in, says otherwise.
  applyTheme('system');
  const config = await loadConfig();
  const navigate = (to: string) => {
    window.history.pushState(null, '', to);
    // wouter follows pushState through its own patch of history; a popstate covers any other listener.
    window.dispatchEvent(new PopStateEvent('popstate'));
  };
  // oidc-client-ts is loaded only where managed login is used.
  const method: SignInMethod = config.mode === 'local' ? localSignIn(config, navigate) : (await import('./auth/managed-login.js')).managedLogin(config);
  render(<App config={config} method={method} />, root);
}

start().catch((err: unknown) => {
  root.textContent = `The dashboard could not start: ${err instanceof Error ? err.message : String(err)}`;
});
