import { SIGN_UP_CONSENT } from '../support/sign-up-consent.js';
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { firstSignIn as signInInvited } from '../support/invited-user.js';
import { ACCOUNT_STATE_TTL_MS } from '../../lambdas/accounts/account-state.js';
import { INVITATION_MESSAGE } from '../../lib/cognito-messages.js';
import { readMail } from '../../lib/local/mail-outbox.js';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import { postChat, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { managementCall } from '../support/local-runtime.js';

let e2e: E2EContext;
let idp: CognitoIdentityProviderClient;

beforeAll(async () => {
  // The project's cdk.json leaves roukey:signUp unset: invitations only.
  e2e = await startE2E();
  const { cognitoEndpoint, region } = e2e.local.runtime.config;
  idp = new CognitoIdentityProviderClient({ region, endpoint: cognitoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}, 60_000);

afterAll(async () => {
  idp?.destroy();
  await e2e?.stop();
});

/** A management call with someone's access token. */
function as(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  return managementCall(e2e.gatewayUrl, token)(method, path, body);
}

/** Signs in with the invitation's temporary password and answers Cognito's NEW_PASSWORD_REQUIRED challenge. */
function firstSignIn(email: string, temporaryPassword: string): Promise<string> {
  return signInInvited(idp, e2e.local.runtime.config.userPoolClientId, email, temporaryPassword);
}

const invitee = 'ada@example.com';
let inviteeToken: string;
let inviteeAccount: string;
/** The invitee's RouKey API key. */
let inviteeApiKey: string;

describe('who gets in, through the local runtime', () => {
  it('the dev user is an admin, on the plan with every feature', async () => {
    const accounts = await e2e.mgmt('GET', '/v1/admin/accounts');
    expect(accounts.status).toBe(200);
    expect(accounts.json.data).toEqual([expect.objectContaining({ email: 'dev@roukey.local', plan: 'enterprise', status: 'active' })]);
  });

  it('an admin invites a user; the invitation mail holds the temporary password; the user signs in and works on the invited plan', async () => {
    const invited = await e2e.mgmt('POST', '/v1/admin/invitations', { email: invitee, plan: 'starter' });
    expect(invited.status).toBe(201);
    inviteeAccount = invited.json.id;

    const mail = (await readMail(e2e.local.runtime.mailDir)).filter((m) => m.to === invitee);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(INVITATION_MESSAGE.subject);
    expect(statSync(mail[0]!.file).mode & 0o777).toBe(0o600);
    const temporaryPassword = /temporary password (\S+) within/.exec(mail[0]!.body)?.[1];
    expect(temporaryPassword).toBeDefined();

    inviteeToken = await firstSignIn(invitee, temporaryPassword!);
    // An invited person confirms age and policy on first use (P24).
    expect((await as(inviteeToken, 'POST', '/v1/me/consent', { policyVersion: POLICY_VERSION, over13: true })).status).toBe(201);
    // Starter includes custom base URLs (Free does not): the invited plan is the one in force.
    const key = await as(inviteeToken, 'POST', '/v1/provider-keys', {
      provider: 'openai',
      name: 'own',
      apiKey: 'sk-ada-12345678',
      baseUrl: e2e.upstream.baseUrl,
    });
    expect(key.status).toBe(201);
    expect(
      (await as(inviteeToken, 'POST', '/v1/configs', { name: 'smart', strategy: 'role', roles: { chat: [{ model: 'own/gpt-4o-mini' }] }, defaultRole: 'chat' }))
        .status,
    ).toBe(201);
    const apiKey = await as(inviteeToken, 'POST', '/v1/api-keys', { name: 'ada' });
    expect(apiKey.status).toBe(201);
    inviteeApiKey = apiKey.json.key;
    expect((await postChat(e2e.gatewayUrl, inviteeApiKey, JSON.stringify({ model: 'roukey/smart', messages: [{ role: 'user', content: 'hi' }] }))).status).toBe(
      200,
    );
    // Not an admin.
    const refused = await as(inviteeToken, 'GET', '/v1/admin/accounts');
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('admin_required');
  });

  it('self sign-up is refused in invite mode, by the real pre-sign-up trigger through the Lambda Invoke API', async () => {
    const err = await idp
      .send(
        new SignUpCommand({
          ClientId: e2e.local.runtime.config.userPoolClientId,
          Username: 'eve@example.com',
          Password: 'An-0ther-passw0rd!',
          UserAttributes: [{ Name: 'email', Value: 'eve@example.com' }, ...SIGN_UP_CONSENT],
        }),
      )
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.name).toBe('UserLambdaValidationException');
    expect(err?.message).toContain('Sign-up is by invitation only');
    expect((await readMail(e2e.local.runtime.mailDir)).some((m) => m.to === 'eve@example.com')).toBe(false);
  });

  it('P8/P23: a suspended account’s management calls and API keys get 403 account_suspended within the state cache’s lifetime, recorded for the account', async () => {
    expect((await e2e.mgmt('PATCH', `/v1/admin/accounts/${inviteeAccount}`, { status: 'suspended' })).status).toBe(200);
    // The invitee's standing was read moments ago: the suspension reaches this container within its cache lifetime.
    const deadline = Date.now() + ACCOUNT_STATE_TTL_MS + 5_000;
    let last: { status: number; json: any };
    do {
      last = await as(inviteeToken, 'GET', '/v1/provider-keys');
      if (last.status === 403) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect(last.status).toBe(403);
    expect(last.json.error).toMatchObject({ type: 'permission_error', code: 'account_suspended' });
    // Its API keys too: the router reads the same standing, cached as briefly.
    const chat = JSON.stringify({ model: 'roukey/smart', messages: [{ role: 'user', content: 'hi' }] });
    let routed: Awaited<ReturnType<typeof postChat>>;
    do {
      routed = await postChat(e2e.gatewayUrl, inviteeApiKey, chat);
      if (routed.status === 403) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect(routed.status).toBe(403);
    expect(routed.json.error).toMatchObject({ type: 'permission_error', code: 'account_suspended' });
    // The security events flush after the response: poll for them.
    const eventsDeadline = Date.now() + 5_000;
    while (
      (await scanRuntimeTables(e2e.local)).activity.filter((i) => i.kind === 'security' && (i.event as { kind: string }).kind === 'account_suspended').length <
        2 &&
      Date.now() < eventsDeadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const events = (await scanRuntimeTables(e2e.local)).activity.filter((i) => i.kind === 'security' && i.pk === `ACCOUNT#${inviteeAccount}`);
    expect(events.map((i) => (i.event as { kind: string; code?: string }).kind).sort()).toEqual([
      'account_suspended',
      'account_suspended',
      'admin_action',
      'admin_action',
      'admin_required',
    ]);

    expect((await e2e.mgmt('PATCH', `/v1/admin/accounts/${inviteeAccount}`, { status: 'active' })).status).toBe(200);
    const listed = await e2e.mgmt('GET', '/v1/admin/accounts');
    expect(listed.json.data.find((a: any) => a.id === inviteeAccount)).toMatchObject({
      email: invitee,
      plan: 'starter',
      status: 'active',
      lastActiveAt: expect.any(String),
    });
  });

  it('P7: IP addresses appear only in security events', async () => {
    const tables = await scanRuntimeTables(e2e.local);
    const ipsOutsideSecurityEvents: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value === 'string' && isIP(value) !== 0) ipsOutsideSecurityEvents.push(path);
      else if (value instanceof Set) [...value].forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };
    let securityEvents = 0;
    for (const [table, items] of Object.entries(tables)) {
      for (const item of items) {
        if (item.kind === 'security') securityEvents++;
        else walk(item, `${table}:${String(item.pk)}/${String(item.sk)}`);
      }
    }
    expect(securityEvents).toBeGreaterThan(0);
    expect(ipsOutsideSecurityEvents).toEqual([]);
  });
});
