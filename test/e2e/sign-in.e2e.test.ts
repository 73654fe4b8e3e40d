import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { generate as totpCode } from 'cognito-local/lib/services/totp.js';
import { ADMIN_GROUP } from '../../lambdas/auth/admin-group.js';
import { calculateJwkThumbprint, createRemoteJWKSet, exportJWK, jwtVerify } from 'jose';
import { cognitoLocalClient } from '../../lib/local/cognito-bootstrap.js';
import { readMail } from '../../lib/local/mail-outbox.js';
import { parseStackConfig } from '../../lib/stack-config.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubUser } from '../fakes/github.js';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { scanAllTables } from '../support/tables.js';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import { startTestLocalRuntime, type TestLocalRuntime } from '../support/local-runtime.js';

const APP = { clientId: 'gh-app-id', clientSecret: 'gh-app-secret' };
const CLIENT_REDIRECT = 'https://client.example/callback';
const GITHUB_ENV = ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'GITHUB_API_BASE', 'GITHUB_WEB_BASE', 'GITHUB_OIDC_REDIRECT_URIS'];

const ADA: FakeGitHubUser = {
  id: 4242,
  login: 'ada',
  name: 'Ada Lovelace',
  emails: [
    { email: 'old@example.com', primary: false, verified: true },
    { email: 'ada@example.com', primary: true, verified: true },
  ],
  orgs: ['Acme'],
};
/** What the provider says of Ada: her GitHub id, login, profile and verified primary address (not the other one). */
const ADA_CLAIMS = {
  sub: '4242',
  email: 'ada@example.com',
  email_verified: true,
  name: 'Ada Lovelace',
  preferred_username: 'ada',
  picture: 'https://avatars.example/4242',
};
const UNVERIFIED: FakeGitHubUser = { id: 7, login: 'eve', emails: [{ email: 'eve@example.com', primary: true, verified: false }], orgs: ['acme'] };
const OUTSIDER: FakeGitHubUser = { id: 8, login: 'mallory', emails: [{ email: 'm@example.com', primary: true, verified: true }], orgs: ['other-org'] };

let github: FakeGitHub;
let local: TestLocalRuntime;
let issuer: string;
let clientId: string;
let clientSecret: string;
let output: OutputCapture;

beforeAll(async () => {
  output = captureOutput();
  github = await startFakeGitHub(APP);
  // Configured as a developer would: through the environment `npm start` reads.
  Object.assign(process.env, {
    GITHUB_CLIENT_ID: APP.clientId,
    GITHUB_CLIENT_SECRET: APP.clientSecret,
    GITHUB_API_BASE: github.origin,
    GITHUB_WEB_BASE: github.origin,
    GITHUB_OIDC_REDIRECT_URIS: CLIENT_REDIRECT,
  });
  const stackConfig = parseStackConfig(
    (key) => ({ 'roukey:githubClientSecretName': 'unused-locally', 'roukey:githubOrgs': 'acme', 'roukey:adminMfa': 'required' })[key],
  );
  local = await startTestLocalRuntime({ stackConfig });
  const oidc = local.runtime.config.githubOidc;
  if (!oidc) throw new Error('the local runtime did not serve the GitHub OIDC provider');
  ({ issuer, clientId, clientSecret } = oidc);
}, 60_000);

afterAll(async () => {
  output?.restore();
  for (const name of GITHUB_ENV) delete process.env[name];
  await local?.stop();
  await github?.close();
});

const manual = (url: string, init: RequestInit = {}) => fetch(url, { ...init, redirect: 'manual' });
const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** What Cognito does as the provider's client: authorize, follow GitHub's consent and callback, land at its redirect URI. */
async function signInWithGitHub(user: FakeGitHubUser, params: Record<string, string> = {}) {
  github.signInAs(user);
  const authorize = new URL(`${issuer}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: CLIENT_REDIRECT,
    response_type: 'code',
    scope: 'openid email profile',
    ...params,
  }).toString();
  const toGitHub = await manual(authorize.toString());
  expect(toGitHub.status).toBe(302);
  const atGitHub = await manual(toGitHub.headers.get('location') ?? '');
  expect(atGitHub.status).toBe(302);
  const callback = atGitHub.headers.get('location') ?? '';
  const back = await manual(callback);
  return { status: back.status, location: back.headers.get('location'), callback, toGitHub: new URL(toGitHub.headers.get('location') ?? '') };
}

function redeem(form: Record<string, string>, auth: 'basic' | 'post' = 'basic') {
  const body = new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: CLIENT_REDIRECT, ...form });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  else body.set('client_id', clientId), body.set('client_secret', clientSecret);
  return fetch(`${issuer}/token`, { method: 'POST', headers, body: body.toString() });
}

describe('P16: the GitHub OIDC provider, end to end against a fake GitHub on 127.0.0.1', () => {
  it('P16: sign-in ends in an ID token that verifies against its JWKS with the right issuer, audience, nonce and verified primary email; state and PKCE pass through', async () => {
    const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      code_challenge_methods_supported: ['S256'],
    });

    const { verifier, challenge } = pkce();
    const signIn = await signInWithGitHub(ADA, { state: 'cognito-state-1', nonce: 'nonce-1', code_challenge: challenge, code_challenge_method: 'S256' });
    // GitHub was asked for the person's profile, emails and (with allowed orgs) memberships, and never saw Cognito's state.
    expect(signIn.toGitHub.searchParams.get('scope')).toBe('read:user user:email read:org');
    expect(signIn.toGitHub.searchParams.get('redirect_uri')).toBe(`${issuer}/callback`);
    expect(signIn.toGitHub.searchParams.get('state')).not.toBe('cognito-state-1');
    expect(signIn.status).toBe(302);
    const back = new URL(signIn.location ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(CLIENT_REDIRECT);
    expect(back.searchParams.get('state')).toBe('cognito-state-1');

    const res = await redeem({ code: back.searchParams.get('code') ?? '', code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const tokens = await res.json();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'openid email profile' });

    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, { issuer, audience: clientId, algorithms: ['RS256'] });
    expect(payload).toMatchObject({ ...ADA_CLAIMS, nonce: 'nonce-1' });
    expect(typeof payload.auth_time).toBe('number');
    expect(protectedHeader.kid).toBeDefined();

    // Cognito reads attributes from userinfo with the access token.
    const userinfo = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toEqual(ADA_CLAIMS);
  });

  it('client_secret_post works as well as HTTP Basic, and the ID token carries no nonce when none was sent', async () => {
    const signIn = await signInWithGitHub(ADA, { state: 's2' });
    const res = await redeem({ code: new URL(signIn.location ?? '').searchParams.get('code') ?? '' }, 'post');
    expect(res.status).toBe(200);
    const { payload } = await jwtVerify((await res.json()).id_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: clientId });
    expect(payload.nonce).toBeUndefined();
  });

  it('a wrong or replayed state at the callback is invalid_request, answered without a redirect', async () => {
    const res = await manual(`${issuer}/callback?code=anything&state=not-a-state-we-issued`);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });

    const signIn = await signInWithGitHub(ADA, { state: 's3' });
    const replay = await manual(signIn.callback);
    expect(replay.status).toBe(400);
    expect((await replay.json()).error).toBe('invalid_request');
  });

  it('a replayed code is invalid_grant: a code redeems once', async () => {
    const signIn = await signInWithGitHub(ADA, { state: 's4' });
    const code = new URL(signIn.location ?? '').searchParams.get('code') ?? '';
    expect((await redeem({ code })).status).toBe(200);
    const again = await redeem({ code });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('PKCE: a wrong verifier, a missing one, or a verifier without a challenge is invalid_grant', async () => {
    const { challenge } = pkce();
    for (const [params, form] of [
      [{ code_challenge: challenge, code_challenge_method: 'S256' }, { code_verifier: pkce().verifier }],
      [{ code_challenge: challenge, code_challenge_method: 'S256' }, {}],
      [{}, { code_verifier: pkce().verifier }],
    ] as const) {
      const signIn = await signInWithGitHub(ADA, params);
      const res = await redeem({ code: new URL(signIn.location ?? '').searchParams.get('code') ?? '', ...form });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toBe('invalid_grant');
    }
  });

  it('a GitHub account without a verified primary email is access_denied, by redirect with the client state', async () => {
    const signIn = await signInWithGitHub(UNVERIFIED, { state: 's5' });
    const back = new URL(signIn.location ?? '');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toMatch(/verified primary email/);
    expect(back.searchParams.get('state')).toBe('s5');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('a non-member of the allowed organisations is access_denied; membership is compared without case', async () => {
    const outsider = new URL((await signInWithGitHub(OUTSIDER, { state: 's6' })).location ?? '');
    expect(outsider.searchParams.get('error')).toBe('access_denied');
    expect(outsider.searchParams.get('error_description')).toMatch(/organisation/);
    // Ada's organisation is "Acme"; roukey:githubOrgs says "acme".
    expect(new URL((await signInWithGitHub(ADA)).location ?? '').searchParams.get('code')).toBeTruthy();
  });

  it('the client must authenticate (invalid_client, 401 with a Basic challenge); only the code grant is served', async () => {
    const signIn = await signInWithGitHub(ADA);
    const code = new URL(signIn.location ?? '').searchParams.get('code') ?? '';
    const wrong = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CLIENT_REDIRECT,
        client_id: clientId,
        client_secret: 'guess',
      }).toString(),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await wrong.json()).error).toBe('invalid_client');
    const refresh = await redeem({ grant_type: 'refresh_token', refresh_token: 'x' });
    expect((await refresh.json()).error).toBe('unsupported_grant_type');
  });

  it('authorize: an unregistered redirect_uri is answered in place (no open redirect); other faults go back to the client', async () => {
    const base = { client_id: clientId, response_type: 'code', scope: 'openid', state: 'st' };
    const open = await manual(`${issuer}/authorize?${new URLSearchParams({ ...base, redirect_uri: 'https://evil.example/cb' })}`);
    expect(open.status).toBe(400);
    expect(open.headers.get('location')).toBeNull();
    const implicit = new URL(
      (await manual(`${issuer}/authorize?${new URLSearchParams({ ...base, redirect_uri: CLIENT_REDIRECT, response_type: 'token' })}`)).headers.get(
        'location',
      ) ?? '',
    );
    expect([implicit.searchParams.get('error'), implicit.searchParams.get('state')]).toEqual(['unsupported_response_type', 'st']);
    const plain = new URL(
      (await manual(`${issuer}/authorize?${new URLSearchParams({ ...base, redirect_uri: CLIENT_REDIRECT, code_challenge: pkce().challenge })}`)).headers.get(
        'location',
      ) ?? '',
    );
    expect(plain.searchParams.get('error')).toBe('invalid_request');
  });

  it('userinfo refuses a missing or forged token with invalid_token', async () => {
    expect((await fetch(`${issuer}/userinfo`)).status).toBe(401);
    const forged = await fetch(`${issuer}/userinfo`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/invalid_token/);
  });

  it('the signing key is an RSA key in the data dir (mode 0600) whose public half is the JWKS; GitHub tokens and secrets are never stored or logged', async () => {
    const file = join(local.dataDir, 'oidc-signing-key.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const jwk = await exportJWK(createPublicKey(await readFile(file)));
    const { keys } = await (await fetch(`${issuer}/jwks`)).json();
    expect(keys).toEqual([{ kty: 'RSA', n: jwk.n, e: jwk.e, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' }]);

    const tables = JSON.stringify(await scanAllTables(process.env.DYNAMODB_ENDPOINT ?? '', local.runtime.config.tables));
    expect(github.issuedTokens.length).toBeGreaterThan(5);
    const logs = output.text();
    expect(logs).toContain('/oidc/github/token');
    for (const secret of [...github.issuedTokens, APP.clientSecret, clientSecret]) {
      expect(tables).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});

describe('P16: signing out everywhere', () => {
  it('POST /v1/me/sign-out revokes every refresh token; an access token already issued lives on until it expires', async () => {
    const cognito = cognitoLocalClient(local.runtime.config.cognitoEndpoint, local.runtime.config.region);
    try {
      const { email, password } = local.runtime.config.devUser;
      const auth = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: local.runtime.config.userPoolClientId,
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
      const refreshToken = auth.AuthenticationResult?.RefreshToken ?? '';
      const accessToken = auth.AuthenticationResult?.AccessToken ?? '';
      const refresh = () =>
        cognito.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: local.runtime.config.userPoolClientId,
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        );
      await expect(refresh()).resolves.toBeDefined();

      const out = await fetch(`${local.runtime.gatewayUrl}/v1/me/sign-out`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
      expect(out.status).toBe(204);
      // The user is told by a security notice, which no preference turns off (written before the response).
      const notices = (await readMail(local.runtime.mailDir)).filter((m) => m.subject === 'RouKey: signed out on every device');
      expect(notices.map((m) => m.to)).toEqual([email]);
      await expect(refresh()).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      const stillValid = await fetch(`${local.runtime.gatewayUrl}/v1/api-keys`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(stillValid.status).toBe(200);
    } finally {
      cognito.destroy();
    }
  });
});

describe('P16: roukey:adminMfa=required, locally with the same code as in AWS', () => {
  /** A new admin with a password, made as an admin would invite one. */
  async function admin(cognito: CognitoIdentityProviderClient, email: string): Promise<string> {
    const { userPoolId: UserPoolId } = local.runtime.config;
    const password = `Rk-${randomBytes(12).toString('base64url')}-7a`;
    await cognito.send(
      new AdminCreateUserCommand({ UserPoolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }),
    );
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }));
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: ADMIN_GROUP }));
    return password;
  }
  const passwordAuth = (cognito: CognitoIdentityProviderClient, email: string, password: string) =>
    cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: local.runtime.config.userPoolClientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
  const adminAccounts = (token: string) => fetch(`${local.runtime.gatewayUrl}/v1/admin/accounts`, { headers: { authorization: `Bearer ${token}` } });

  it('an admin without TOTP gets 403 mfa_required; one who enrolled TOTP and signed in with a code gets through', async () => {
    const cognito = cognitoLocalClient(local.runtime.config.cognitoEndpoint, local.runtime.config.region);
    try {
      const lazyPassword = await admin(cognito, 'lazy-admin@roukey.local');
      const lazy = await adminAccounts((await passwordAuth(cognito, 'lazy-admin@roukey.local', lazyPassword)).AuthenticationResult?.AccessToken ?? '');
      expect(lazy.status).toBe(403);
      expect((await lazy.json()).error).toMatchObject({ code: 'mfa_required', message: expect.stringMatching(/TOTP/) });

      // Enrolment as the dashboard does it, with the user's own access token; then every password sign-in asks for a code.
      const password = await admin(cognito, 'careful-admin@roukey.local');
      const first = (await passwordAuth(cognito, 'careful-admin@roukey.local', password)).AuthenticationResult?.AccessToken ?? '';
      const { SecretCode: secret = '' } = await cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: first }));
      await cognito.send(new VerifySoftwareTokenCommand({ AccessToken: first, UserCode: totpCode(secret) }));
      await cognito.send(new SetUserMFAPreferenceCommand({ AccessToken: first, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const challenge = await passwordAuth(cognito, 'careful-admin@roukey.local', password);
      expect(challenge.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      const signedIn = await cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: local.runtime.config.userPoolClientId,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: 'careful-admin@roukey.local', SOFTWARE_TOKEN_MFA_CODE: totpCode(secret) },
        }),
      );
      const token = signedIn.AuthenticationResult?.AccessToken ?? '';
      // An invited admin confirms age and policy on first use, like anyone (P24).
      const consent = await fetch(`${local.runtime.gatewayUrl}/v1/me/consent`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ policyVersion: POLICY_VERSION, over13: true }),
      });
      expect(consent.status).toBe(201);
      expect((await adminAccounts(token)).status).toBe(200);
    } finally {
      cognito.destroy();
    }
  });
});
