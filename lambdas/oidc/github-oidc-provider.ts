import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PublicJwk, TokenSigningKey } from '../crypto/token-signing-key.js';
import type { GitHubApi, GitHubAppCredentials } from './github-api.js';
import { signJwt, verifyJwt } from './jwt.js';
import { OAuthError } from './oauth-error.js';
import type { OneTimeItems } from './one-time-items.js';

/** How long a sign-in may wait at GitHub, and an authorization code for its token request. */
const AUTHORIZATION_TTL_S = 600;
const CODE_TTL_S = 60;
/** ID and access tokens are for Cognito's immediate use at the end of a sign-in. */
const TOKEN_TTL_S = 300;
const USERINFO_TOKEN_TYPE = 'at+jwt';

export interface ProviderSettings {
  /** `https://<api>/prod/oidc/github`: every endpoint is below it. */
  readonly issuer: string;
  /** The one client of this provider (Cognito), and the redirect URIs it may use (`https://<domain>/oauth2/idpresponse`). */
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  /** Lower-case GitHub organisation logins; empty: anyone with a verified primary email may sign in. */
  readonly allowedOrgs: readonly string[];
}

export interface ProviderSecrets {
  /** What Cognito authenticates with at the token endpoint. */
  readonly clientSecret: string;
  /** RouKey's GitHub OAuth app. */
  readonly github: GitHubAppCredentials;
}

export interface ProviderDeps {
  readonly settings: ProviderSettings;
  readonly secrets: () => Promise<ProviderSecrets>;
  readonly github: GitHubApi;
  readonly items: OneTimeItems;
  readonly key: TokenSigningKey;
  readonly now?: () => number;
}

/** An answer: a redirect, or JSON with a status (and headers such as WWW-Authenticate). */
export type ProviderResult =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> };

type Params = Readonly<Record<string, string | undefined>>;

const pendingSchema = z.object({
  redirectUri: z.string(),
  clientState: z.string().optional(),
  nonce: z.string().optional(),
  codeChallenge: z.string().optional(),
});
type Pending = z.infer<typeof pendingSchema>;

const claimsSchema = z.object({
  sub: z.string(),
  email: z.string(),
  preferred_username: z.string(),
  name: z.string().optional(),
  picture: z.string().optional(),
});
const codeSchema = pendingSchema.extend({ claims: claimsSchema, authTime: z.number() });

const authorizeSchema = z.object({
  response_type: z.string().optional(),
  scope: z.string().optional(),
  state: z.string().max(1024).optional(),
  nonce: z.string().max(512).optional(),
  code_challenge: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
  code_challenge_method: z.string().optional(),
});

/**
 * An OpenID Connect provider in front of GitHub (which speaks OAuth 2.0 only), so that Cognito can offer "Sign in with
 * GitHub" as an OIDC identity provider. Authorization code flow with an optional S256 PKCE challenge; state, nonce
 * and the challenge pass through to the ID token and the token request as OIDC says. GitHub's access token is used
 * during the callback and never stored: the code item holds only the claims the ID token will carry.
 */
export function createGitHubOidcProvider(deps: ProviderDeps) {
  const { settings, github, items, key } = deps;
  const now = deps.now ?? Date.now;
  const endpoint = (path: string) => `${settings.issuer}/${path}`;
  const callbackUri = endpoint('callback');
  const withOrgs = settings.allowedOrgs.length > 0;
  const seconds = () => Math.floor(now() / 1000);

  const redirectWith = (base: string, params: Record<string, string | undefined>): ProviderResult => {
    const url = new URL(base);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return { kind: 'redirect', location: url.toString() };
  };
  const errorRedirect = (pending: Pick<Pending, 'redirectUri' | 'clientState'>, err: OAuthError) =>
    redirectWith(pending.redirectUri, { error: err.code, error_description: err.description, state: pending.clientState });

  return {
    discovery(): ProviderResult {
      return {
        kind: 'json',
        status: 200,
        body: {
          issuer: settings.issuer,
          authorization_endpoint: endpoint('authorize'),
          token_endpoint: endpoint('token'),
          userinfo_endpoint: endpoint('userinfo'),
          jwks_uri: endpoint('jwks'),
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid', 'email', 'profile'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          code_challenge_methods_supported: ['S256'],
          claims_supported: ['sub', 'email', 'email_verified', 'name', 'picture', 'preferred_username', 'nonce', 'auth_time'],
        },
      };
    },

    async jwks(): Promise<ProviderResult> {
      const jwk: PublicJwk = await key.publicJwk();
      return { kind: 'json', status: 200, body: { keys: [jwk] } };
    },

    /** The client's authorization request: checked, remembered, and sent on to GitHub. */
    async authorize(query: Params): Promise<ProviderResult> {
      // Without a known client and redirect URI there is nowhere safe to send an error (RFC 6749 §4.1.2.1).
      if (query.client_id !== settings.clientId) throw new OAuthError('invalid_request', 'Unknown client_id.');
      const redirectUri = query.redirect_uri;
      if (redirectUri === undefined || !settings.redirectUris.includes(redirectUri)) {
        throw new OAuthError('invalid_request', 'The redirect_uri is not registered for this client.');
      }
      const back = { redirectUri, clientState: query.state };
      const { data: request } = authorizeSchema.safeParse(query);
      if (!request) return errorRedirect(back, new OAuthError('invalid_request', 'A parameter is malformed (state, nonce or code_challenge).'));
      if (request.response_type !== 'code') return errorRedirect(back, new OAuthError('unsupported_response_type', 'Only response_type=code is supported.'));
      if (!(request.scope ?? '').split(' ').includes('openid')) return errorRedirect(back, new OAuthError('invalid_scope', 'The openid scope is required.'));
      // A challenge without a method means `plain` (RFC 7636 §4.3), which is refused.
      if (request.code_challenge !== undefined && request.code_challenge_method !== 'S256') {
        return errorRedirect(back, new OAuthError('invalid_request', 'Only the S256 code_challenge_method is supported.'));
      }
      if (request.code_challenge === undefined && request.code_challenge_method !== undefined) {
        return errorRedirect(back, new OAuthError('invalid_request', 'A code_challenge_method needs a code_challenge.'));
      }
      const state = randomBytes(32).toString('base64url');
      const pending: Pending = { ...back, nonce: request.nonce, codeChallenge: request.code_challenge };
      await items.put('AUTHZ', state, dropUndefined(pending), seconds() + AUTHORIZATION_TTL_S);
      const { github: app } = await deps.secrets();
      return { kind: 'redirect', location: github.authorizeUrl({ clientId: app.clientId, redirectUri: callbackUri, state, withOrgs }) };
    },

    /** GitHub's redirect back: its code is traded for who signed in, and our own code goes to the client. */
    async callback(query: Params): Promise<ProviderResult> {
      const taken = query.state ? await items.take('AUTHZ', query.state) : undefined;
      const pending = taken ? pendingSchema.safeParse(taken).data : undefined;
      if (!pending) throw new OAuthError('invalid_request', 'Unknown, used or expired state: start the sign-in again.');
      try {
        if (query.error || !query.code) throw new OAuthError('access_denied', 'The sign-in was cancelled at GitHub.');
        const { github: app } = await deps.secrets();
        const accessToken = await github.exchangeCode(app, query.code, callbackUri);
        const who = await github.identity(accessToken, { withOrgs });
        if (!who.verifiedPrimaryEmail) throw new OAuthError('access_denied', 'The GitHub account has no verified primary email address.');
        if (withOrgs && !who.orgs?.some((org) => settings.allowedOrgs.includes(org))) {
          throw new OAuthError('access_denied', 'The GitHub account is not a member of an organisation allowed to sign in here.');
        }
        const code = randomBytes(32).toString('base64url');
        const claims = dropUndefined({ sub: who.id, email: who.verifiedPrimaryEmail, preferred_username: who.login, name: who.name, picture: who.avatarUrl });
        await items.put('CODE', code, dropUndefined({ ...pending, claims, authTime: seconds() }), seconds() + CODE_TTL_S);
        return redirectWith(pending.redirectUri, { code, state: pending.clientState });
      } catch (err) {
        if (err instanceof OAuthError) return errorRedirect(pending, err);
        throw err;
      }
    },

    /** The client's token request: one use per code, with client authentication and the PKCE verifier when due. */
    async token(form: Params, authorization: string | undefined): Promise<ProviderResult> {
      const client = clientCredentials(form, authorization);
      const { clientSecret } = await deps.secrets();
      if (client.id !== settings.clientId || !sameSecret(client.secret, clientSecret)) {
        throw new OAuthError('invalid_client', 'Client authentication failed.');
      }
      if (form.grant_type !== 'authorization_code') throw new OAuthError('unsupported_grant_type', 'Only the authorization_code grant is supported.');
      const taken = form.code ? await items.take('CODE', form.code) : undefined;
      const issued = taken ? codeSchema.safeParse(taken).data : undefined;
      if (!issued) throw new OAuthError('invalid_grant', 'The code is unknown, used or expired.');
      if (form.redirect_uri !== issued.redirectUri) throw new OAuthError('invalid_grant', 'The redirect_uri differs from the authorization request.');
      if (!pkceMatches(issued.codeChallenge, form.code_verifier)) throw new OAuthError('invalid_grant', 'The code_verifier does not match the code_challenge.');

      const iat = seconds();
      const base = { iss: settings.issuer, sub: issued.claims.sub, iat, exp: iat + TOKEN_TTL_S };
      const profile = { ...issued.claims, email_verified: true };
      const idToken = await signJwt(key, dropUndefined({ ...base, ...profile, aud: settings.clientId, auth_time: issued.authTime, nonce: issued.nonce }));
      const accessToken = await signJwt(
        key,
        { ...base, ...profile, aud: endpoint('userinfo'), client_id: settings.clientId, scope: 'openid email profile' },
        USERINFO_TOKEN_TYPE,
      );
      return {
        kind: 'json',
        status: 200,
        body: { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_TTL_S, id_token: idToken, scope: 'openid email profile' },
        headers: { pragma: 'no-cache' },
      };
    },

    /** The claims of the signed-in person, for the access token the token endpoint issued. */
    async userinfo(authorization: string | undefined): Promise<ProviderResult> {
      const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
      const payload = token
        ? await verifyJwt(key, token, { issuer: settings.issuer, audience: endpoint('userinfo'), type: USERINFO_TOKEN_TYPE }).catch(() => undefined)
        : undefined;
      const claims = payload ? claimsSchema.safeParse(payload).data : undefined;
      if (!claims) throw new OAuthError('invalid_token', 'The access token is missing, invalid or expired.');
      return { kind: 'json', status: 200, body: { ...claims, email_verified: true } };
    },
  };
}

export type GitHubOidcProvider = ReturnType<typeof createGitHubOidcProvider>;

/** The client's id and secret from HTTP Basic (client_secret_basic) or the form (client_secret_post). */
function clientCredentials(form: Params, authorization: string | undefined): { id?: string; secret?: string } {
  const basic = authorization?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (!basic) return { id: form.client_id, secret: form.client_secret };
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  // RFC 6749 §2.3.1: both parts are form-urlencoded inside the Basic credentials.
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A request with a challenge needs its verifier; one without must not bring a verifier (a downgrade attempt). */
function pkceMatches(challenge: string | undefined, verifier: string | undefined): boolean {
  if (challenge === undefined) return verifier === undefined;
  if (verifier === undefined || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
