import { UserManager, type User } from 'oidc-client-ts';
import type { DashboardConfig } from '../runtime-config.js';
import { DASHBOARD_CALLBACK_PATH, DASHBOARD_SIGNED_OUT_PATH } from '../../../lambdas/auth/dashboard-urls.js';
import { type Session, type SignInMethod, sessionFromAccessToken } from './session.js';

type CognitoConfig = Extract<DashboardConfig, { mode: 'cognito' }>;

/**
 * AWS: authorization code with PKCE against Cognito managed login, by oidc-client-ts. It keeps its state and the
 * user's tokens in sessionStorage (its default) and renews them with the refresh token before they expire.
 */
export function managedLogin(config: CognitoConfig): SignInMethod {
  const origin = window.location.origin;
  const manager = new UserManager({
    authority: `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`,
    client_id: config.clientId,
    redirect_uri: `${origin}${DASHBOARD_CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}${DASHBOARD_SIGNED_OUT_PATH}`,
    response_type: 'code',
    scope: config.scopes.join(' '),
    // Cognito's discovery document has no end_session_endpoint; managed login's is /logout.
    metadataSeed: { end_session_endpoint: `${config.domain}/logout` },
    automaticSilentRenew: true,
  });
  const toSession = (user: User): Session => sessionFromAccessToken(user.access_token, (user.profile.email as string | undefined) ?? null);
  return {
    mode: 'cognito',
    async restore() {
      const user = await manager.getUser();
      return user && !user.expired ? toSession(user) : null;
    },
    async begin(returnTo) {
      await manager.signinRedirect({ state: returnTo });
    },
    async complete() {
      const user = await manager.signinCallback();
      if (!user) throw new Error('Managed login returned no user.');
      // The code and state leave the address bar: tokens never stay in URLs.
      window.history.replaceState(null, '', '/');
      return { session: toSession(user), returnTo: typeof user.state === 'string' ? user.state : '/' };
    },
    async end() {
      await manager.removeUser();
      await manager.signoutRedirect({ extraQueryParams: { client_id: config.clientId, logout_uri: `${origin}${DASHBOARD_SIGNED_OUT_PATH}` } });
    },
  };
}
