import { AdminGetUserCommand, AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { createAdminMfaGate } from '../../../lambdas/auth/admin-mfa.js';
import { createCognitoUserDirectory } from '../../../lambdas/auth/cognito-user-directory.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { rejectionOf } from '../../support/thrown.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const directory = () => createCognitoUserDirectory({ region: 'us-east-1', cognito: { userPoolId: 'us-east-1_pool', identityProviders: [] } });
afterEach(() => cognito.reset());
afterAll(() => cognito.restore());

const identities = (...providers: string[]) =>
  JSON.stringify(providers.map((providerName, i) => ({ providerName, userId: String(i), providerType: providerName })));

describe('P16: roukey:adminMfa=required', () => {
  it('lets through an admin with TOTP on and no linked provider; reads the user once per minute per container', async () => {
    let now = 0;
    cognito
      .on(AdminGetUserCommand)
      .resolves({ Username: 'boss', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], UserAttributes: [{ Name: 'email', Value: 'b@example.com' }] });
    const gate = createAdminMfaGate({ mode: 'required', directory: directory(), now: () => now });
    await gate.assert('boss');
    await gate.assert('boss');
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminGetUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'us-east-1_pool', Username: 'boss' });
    now = 61_000;
    await gate.assert('boss');
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(2);
  });

  it('refuses an admin without TOTP with 403 mfa_required saying why', async () => {
    cognito.on(AdminGetUserCommand).resolves({ Username: 'boss', UserMFASettingList: [] });
    const err = await rejectionOf(ApiError, createAdminMfaGate({ mode: 'required', directory: directory() }).assert('boss'));
    expect(err.status).toBe(403);
    expect(err.toBody().error).toMatchObject({
      code: 'mfa_required',
      type: 'permission_error',
      message: expect.stringMatching(/TOTP.*roukey:adminMfa=required/),
    });
  });

  it('refuses an admin whose sign-in can go through a linked Google or GitHub identity (Cognito asks no TOTP there)', async () => {
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'boss',
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      UserAttributes: [{ Name: 'identities', Value: identities('Google', 'Google') }],
    });
    const err = await rejectionOf(ApiError, createAdminMfaGate({ mode: 'required', directory: directory() }).assert('boss'));
    expect(err.toBody().error).toMatchObject({ code: 'mfa_required', message: expect.stringMatching(/through Google skips TOTP/) });
  });

  it('optional (the default): no check, no Cognito call', async () => {
    await createAdminMfaGate({ mode: 'optional', directory: directory() }).assert('anyone');
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });
});

describe('P16: signing out everywhere', () => {
  it("revokes the user's refresh tokens with AdminUserGlobalSignOut on the pool", async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    await directory().signOutEverywhere('user-1');
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'us-east-1_pool', Username: 'user-1' });
  });
});
