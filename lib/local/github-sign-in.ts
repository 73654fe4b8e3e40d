import { DEV_DASHBOARD_ORIGINS, dashboardRedirects } from '../../lambdas/auth/dashboard-urls.js';
import { GITHUB_OIDC_PATH } from '../../lambdas/handlers/routes.js';

/** RouKey's GitHub OAuth app and where GitHub is, for the local GitHub OIDC provider. */
export interface LocalGitHubSignIn {
  readonly clientId: string;
  readonly clientSecret: string;
  /** `https://api.github.com` unless a test points it at a fake. */
  readonly apiBase?: string;
  /** `https://github.com` unless a test points it at a fake. */
  readonly webBase?: string;
  /** Where the local provider may send its codes (there is no Cognito locally): the dev dashboards' callbacks by default. */
  readonly redirectUris?: readonly string[];
}

/** The client id of the local provider's one client (Cognito's place in AWS). */
export const LOCAL_OIDC_CLIENT_ID = 'roukey-local';

/**
 * GitHub sign-in from the environment: GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET turn it on; GITHUB_API_BASE,
 * GITHUB_WEB_BASE and GITHUB_OIDC_REDIRECT_URIS (comma-separated) are optional.
 */
export function githubSignInFromEnv(env: NodeJS.ProcessEnv): LocalGitHubSignIn | undefined {
  if (!env.GITHUB_CLIENT_ID || !env.GITHUB_CLIENT_SECRET) return undefined;
  return {
    clientId: env.GITHUB_CLIENT_ID,
    clientSecret: env.GITHUB_CLIENT_SECRET,
    apiBase: env.GITHUB_API_BASE || undefined,
    webBase: env.GITHUB_WEB_BASE || undefined,
    redirectUris: env.GITHUB_OIDC_REDIRECT_URIS?.split(',').filter((uri) => uri !== ''),
  };
}

/** The environment the provider's handler reads (lambdas/oidc/provider-config.ts), as lib/github-oidc.ts sets it in AWS. */
export function githubOidcEnvironment(options: {
  gatewayUrl: string;
  signIn: LocalGitHubSignIn;
  oidcClientSecret: string;
  signingKeyFile: string;
  orgs: readonly string[];
}) {
  const { signIn } = options;
  return {
    GITHUB_OIDC_ISSUER: `${options.gatewayUrl}${GITHUB_OIDC_PATH}`,
    GITHUB_OIDC_CLIENT_ID: LOCAL_OIDC_CLIENT_ID,
    GITHUB_OIDC_CLIENT_SECRET: options.oidcClientSecret,
    GITHUB_OIDC_REDIRECT_URIS: (signIn.redirectUris ?? dashboardRedirects(DEV_DASHBOARD_ORIGINS).callbackUrls).join(','),
    GITHUB_CLIENT_ID: signIn.clientId,
    GITHUB_CLIENT_SECRET: signIn.clientSecret,
    ...(signIn.apiBase ? { GITHUB_API_BASE: signIn.apiBase } : {}),
    ...(signIn.webBase ? { GITHUB_WEB_BASE: signIn.webBase } : {}),
    GITHUB_ORGS: options.orgs.join(','),
    LOCAL_OIDC_SIGNING_KEY_FILE: options.signingKeyFile,
  };
}
