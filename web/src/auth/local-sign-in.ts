import type { DashboardConfig } from '../runtime-config.js';
import { isLive, type Session, type SignInMethod, sessionFromAccessToken } from './session.js';

type LocalConfig = Extract<DashboardConfig, { mode: 'local' }>;

/** The tab's session survives a reload, not the tab (sessionStorage), as oidc-client-ts keeps its own in AWS. */
const STORE_KEY = 'roukey.local-session';

/**
 * `npm start`: cognito-local has no hosted UI, so the sign-in page posts the dev user's email and password to
 * Cognito's own `InitiateAuth` (USER_PASSWORD_AUTH), which cognito-local answers.
 */
export function localSignIn(
  config: LocalConfig,
  navigate: (to: string) => void,
): SignInMethod & { withPassword(email: string, password: string): Promise<Session> } {
  return {
    mode: 'local',
    async restore() {
      const stored = sessionStorage.getItem(STORE_KEY);
      if (!stored) return null;
      const s = JSON.parse(stored) as Session;
      return isLive(s) ? s : null;
    },
    async begin(returnTo) {
      navigate(`/sign-in?next=${encodeURIComponent(returnTo)}`);
    },
    async complete() {
      throw new Error('Local sign-in has no redirect to complete.');
    },
    async end() {
      sessionStorage.removeItem(STORE_KEY);
    },
    async withPassword(email, password) {
      const res = await fetch(config.cognitoEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
        body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.clientId, AuthParameters: { USERNAME: email, PASSWORD: password } }),
      });
      const body = (await res.json().catch(() => ({}))) as { AuthenticationResult?: { AccessToken?: string }; message?: string };
      const token = body.AuthenticationResult?.AccessToken;
      if (!res.ok || !token) throw new Error(body.message ?? `Sign-in failed (HTTP ${res.status}).`);
      const s = sessionFromAccessToken(token, email);
      sessionStorage.setItem(STORE_KEY, JSON.stringify(s));
      return s;
    },
  };
}
