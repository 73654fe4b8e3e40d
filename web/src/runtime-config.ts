/**
 * `/config.json`, read once at load so one build serves any stack: written by `cdk deploy` next to the build
 * (lib/web.ts), and answered by the local gateway (lib/local/web-site.ts).
 */
export type DashboardConfig =
  | {
      /** Cognito managed login: authorization code with PKCE through oidc-client-ts. */
      readonly mode: 'cognito';
      /** The API's base URL, without a trailing slash. */
      readonly apiUrl: string;
      readonly region: string;
      readonly userPoolId: string;
      readonly clientId: string;
      /** Managed login's base URL (`https://<prefix>.auth.<region>.amazoncognito.com`). */
      readonly domain: string;
      readonly scopes: readonly string[];
      /** Whom to ask about plans when billing is off (`roukey:adminEmail`). */
      readonly adminContact?: string;
    }
  | {
      /** `npm start`: the dev user's email and password against cognito-local. */
      readonly mode: 'local';
      readonly apiUrl: string;
      readonly region: string;
      readonly userPoolId: string;
      readonly clientId: string;
      /** cognito-local's endpoint, which answers Cognito's JSON API. */
      readonly cognitoEndpoint: string;
      /** The dev user, the local admin. */
      readonly adminContact?: string;
    };

export async function loadConfig(): Promise<DashboardConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json could not be read (HTTP ${res.status}).`);
  const config = (await res.json()) as DashboardConfig;
  if (config.mode !== 'cognito' && config.mode !== 'local') throw new Error('config.json names no sign-in mode.');
  return { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') };
}
