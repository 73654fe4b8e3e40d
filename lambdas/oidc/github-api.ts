import { z } from 'zod';
import { OAuthError } from './oauth-error.js';

/** Where GitHub is: github.com for the browser and token steps, api.github.com for the REST API (both overridable for tests). */
export interface GitHubEndpoints {
  readonly webBase: string;
  readonly apiBase: string;
}

export interface GitHubAppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Who signed in, as GitHub says: only what the ID token carries, and the organisations when they are asked for. */
export interface GitHubIdentity {
  /** GitHub's numeric user id: it never changes, unlike the login. */
  readonly id: string;
  readonly login: string;
  readonly name?: string;
  readonly avatarUrl?: string;
  /** The primary address, and only when GitHub has verified it. */
  readonly verifiedPrimaryEmail?: string;
  /** Organisation logins, lower case; present when asked for. */
  readonly orgs?: readonly string[];
}

export interface GitHubApi {
  /** Where to send the browser to sign in with GitHub. */
  authorizeUrl(params: { clientId: string; redirectUri: string; state: string; withOrgs: boolean }): string;
  /** Trades the code GitHub handed back for an access token (used at once, then dropped). */
  exchangeCode(app: GitHubAppCredentials, code: string, redirectUri: string): Promise<string>;
  identity(accessToken: string, options: { withOrgs: boolean }): Promise<GitHubIdentity>;
}

const REQUEST_TIMEOUT_MS = 10_000;
/** At most this many pages of 100 organisations are read. */
const MAX_ORG_PAGES = 10;

const tokenResponse = z.union([z.object({ access_token: z.string().min(1) }), z.object({ error: z.string(), error_description: z.string().optional() })]);
const userSchema = z.object({ id: z.number().int(), login: z.string(), name: z.string().nullish(), avatar_url: z.string().nullish() });
const emailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));
const orgsSchema = z.array(z.object({ login: z.string() }));

/** GitHub's OAuth app flow and the three REST calls the provider needs: `/user`, `/user/emails`, `/user/orgs`. */
export function createGitHubApi(endpoints: GitHubEndpoints, fetchImpl: typeof fetch = fetch): GitHubApi {
  const webBase = endpoints.webBase.replace(/\/+$/, '');
  const apiBase = endpoints.apiBase.replace(/\/+$/, '');

  const getJson = async <S extends z.ZodType>(url: string, accessToken: string, schema: S): Promise<{ body: z.infer<S>; next?: string }> => {
    const res = await call(url, {
      headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${accessToken}`, 'user-agent': 'RouKey', 'x-github-api-version': '2022-11-28' },
    });
    if (!res.ok) throw new OAuthError('server_error', `GitHub answered ${res.status} to ${new URL(url).pathname}.`);
    return { body: parse(schema, await res.json()), next: nextLink(res.headers.get('link')) };
  };

  const call = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetchImpl(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch {
      throw new OAuthError('temporarily_unavailable', 'GitHub could not be reached.');
    }
  };

  return {
    authorizeUrl({ clientId, redirectUri, state, withOrgs }) {
      const url = new URL(`${webBase}/login/oauth/authorize`);
      url.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        // read:org lets /user/orgs list private memberships too.
        scope: withOrgs ? 'read:user user:email read:org' : 'read:user user:email',
        state,
      }).toString();
      return url.toString();
    },

    async exchangeCode(app, code, redirectUri) {
      const res = await call(`${webBase}/login/oauth/access_token`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'RouKey' },
        body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: redirectUri }).toString(),
      });
      if (!res.ok) throw new OAuthError('server_error', `GitHub answered ${res.status} to the code exchange.`);
      const body = parse(tokenResponse, await res.json());
      // GitHub answers a bad or used code with 200 and an error field.
      if ('error' in body) throw new OAuthError('access_denied', 'GitHub refused the sign-in code.');
      return body.access_token;
    },

    async identity(accessToken, { withOrgs }) {
      const [user, emails, orgs] = await Promise.all([
        getJson(`${apiBase}/user`, accessToken, userSchema),
        getJson(`${apiBase}/user/emails?per_page=100`, accessToken, emailsSchema),
        withOrgs ? listOrgs(accessToken) : Promise.resolve(undefined),
      ]);
      const primary = emails.body.find((e) => e.primary && e.verified);
      return {
        id: String(user.body.id),
        login: user.body.login,
        name: user.body.name ?? undefined,
        avatarUrl: user.body.avatar_url ?? undefined,
        verifiedPrimaryEmail: primary?.email,
        orgs,
      };
    },
  };

  async function listOrgs(accessToken: string): Promise<string[]> {
    const logins: string[] = [];
    let url: string | undefined = `${apiBase}/user/orgs?per_page=100`;
    for (let page = 0; url && page < MAX_ORG_PAGES; page++) {
      const { body, next }: { body: z.infer<typeof orgsSchema>; next?: string } = await getJson(url, accessToken, orgsSchema);
      logins.push(...body.map((o) => o.login.toLowerCase()));
      // Only GitHub's own API is followed, whatever a Link header says.
      url = next?.startsWith(`${apiBase}/`) ? next : undefined;
    }
    return logins;
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OAuthError('server_error', 'GitHub answered in an unexpected shape.');
  return parsed.data;
}

/** The `rel="next"` URL of a Link header (GitHub's pagination). */
function nextLink(header: string | null): string | undefined {
  return header?.match(/<([^>]+)>\s*;\s*rel="next"/)?.[1];
}
