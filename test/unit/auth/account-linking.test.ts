import {
  AdminLinkProviderForUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { linkFederatedSignUp, type LinkingDirectory, type PoolUser } from '../../../lambdas/auth/account-linking.js';
import { parseFederatedUsername } from '../../../lambdas/auth/federated-providers.js';
import { rejectionOf } from '../../support/thrown.js';

const native = (over: Partial<PoolUser> = {}): PoolUser => ({ username: 'a1b2-native', status: 'CONFIRMED', emailVerified: true, createdAt: 1, ...over });

/** A directory that answers from a list and records what it was asked to link. */
function directory(users: PoolUser[], admins: string[] = []) {
  const links: { destination: string; provider: string; id: string }[] = [];
  const dir: LinkingDirectory = {
    usersWithEmail: async () => users,
    isAdmin: async (username) => admins.includes(username),
    link: async (destination, source) => void links.push({ destination, provider: source.providerName, id: source.providerUserId }),
  };
  return { dir, links };
}

const google = { username: 'Google_1234567890', email: 'ada@example.com', emailVerified: true };

describe('P16: account linking of a first Google or GitHub sign-in', () => {
  it('a verified address of an existing user is linked to that user (the oldest confirmed one), not made into a second account', async () => {
    const { dir, links } = directory([native({ username: 'newer', createdAt: 5 }), native({ username: 'older', createdAt: 2 })]);
    expect(await linkFederatedSignUp(dir, google, { adminMfa: 'optional' })).toEqual({ kind: 'linked', destination: 'older' });
    expect(links).toEqual([{ destination: 'older', provider: 'Google', id: '1234567890' }]);
  });

  it('an invited user who never set a password is linked too (the admin vouched for the address)', async () => {
    const { dir, links } = directory([native({ status: 'FORCE_CHANGE_PASSWORD' })]);
    expect((await linkFederatedSignUp(dir, { ...google, username: 'GitHub_77' }, { adminMfa: 'optional' })).kind).toBe('linked');
    expect(links[0]).toMatchObject({ provider: 'GitHub', id: '77' });
  });

  it('an unverified address is never linked: the sign-in is refused rather than made a duplicate', async () => {
    const { dir, links } = directory([native()]);
    const outcome = await linkFederatedSignUp(dir, { ...google, emailVerified: false }, { adminMfa: 'optional' });
    expect(outcome).toMatchObject({ kind: 'refused', message: expect.stringMatching(/Google does not say the address is verified/) });
    expect(links).toEqual([]);
  });

  it('nor is a sign-in linked to a user whose own address is unverified or unconfirmed (a squatted self sign-up cannot capture it)', async () => {
    for (const squatter of [native({ emailVerified: false }), native({ status: 'UNCONFIRMED' })]) {
      const { dir, links } = directory([squatter]);
      expect(await linkFederatedSignUp(dir, google, { adminMfa: 'optional' })).toMatchObject({
        kind: 'refused',
        message: expect.stringMatching(/not verified yet/),
      });
      expect(links).toEqual([]);
    }
  });

  it('an address held only by another federated user is refused, naming how that person signed in before', async () => {
    const { dir, links } = directory([native({ username: 'github_99', status: 'EXTERNAL_PROVIDER' })]);
    expect(await linkFederatedSignUp(dir, google, { adminMfa: 'optional' })).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/sign in with GitHub/),
    });
    expect(links).toEqual([]);
  });

  it('where admins must use TOTP, a federated sign-in is not linked to an admin (it would skip TOTP)', async () => {
    const { dir, links } = directory([native({ username: 'boss' })], ['boss']);
    expect(await linkFederatedSignUp(dir, google, { adminMfa: 'required' })).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/Administrators/),
    });
    expect(links).toEqual([]);
    expect((await linkFederatedSignUp(directory([native({ username: 'boss' })], ['boss']).dir, google, { adminMfa: 'optional' })).kind).toBe('linked');
  });

  it('nobody with the address: a new sign-in, for the sign-up policy to decide', async () => {
    expect(await linkFederatedSignUp(directory([]).dir, google, { adminMfa: 'optional' })).toEqual({ kind: 'new' });
  });

  it('federated usernames: the provider part is matched without case and returned as configured', () => {
    expect(parseFederatedUsername('google_123')).toEqual({ providerName: 'Google', providerUserId: '123' });
    expect(parseFederatedUsername('GitHub_9_9')).toEqual({ providerName: 'GitHub', providerUserId: '9_9' });
    expect(parseFederatedUsername('Facebook_1')).toBeUndefined();
    expect(parseFederatedUsername('a1b2c3d4-native')).toBeUndefined();
  });
});

describe('P16: the pre-sign-up trigger links through Cognito (AdminLinkProviderForUser)', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const user = (username: string, status: UserType['UserStatus'], verified = true): UserType => ({
    Username: username,
    UserStatus: status,
    UserCreateDate: new Date(0),
    Attributes: [
      { Name: 'email', Value: 'ada@example.com' },
      { Name: 'email_verified', Value: String(verified) },
    ],
  });
  const event = (userName: string, attributes: Record<string, string>) =>
    ({
      triggerSource: 'PreSignUp_ExternalProvider',
      userPoolId: 'us-east-1_pool',
      userName,
      request: { userAttributes: attributes },
      response: {},
    }) as unknown as PreSignUpTriggerEvent;

  let handler: (e: PreSignUpTriggerEvent) => Promise<PreSignUpTriggerEvent>;
  beforeAll(async () => {
    // Sign-up by invitation only, admins on TOTP: a link is still allowed (no new account), never to an admin.
    Object.assign(process.env, { ROUKEY_SIGN_UP: 'invite', ROUKEY_SIGN_UP_DOMAINS: '', ROUKEY_ADMIN_MFA: 'required', AWS_REGION: 'us-east-1' });
    ({ handler } = await import('../../../lambdas/handlers/pre-sign-up.js'));
  });
  afterEach(() => cognito.reset());
  afterAll(() => cognito.restore());

  it('finds the user by email (quotes escaped) and links the provider identity to them; the sign-up policy does not refuse a link', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [user('native-user', 'CONFIRMED')] });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'team' }] });
    cognito.on(AdminLinkProviderForUserCommand).resolves({});
    const e = event('google_1234567890', { email: 'ada"x@example.com', email_verified: 'true' });
    expect(await handler(e)).toBe(e);
    expect(cognito.commandCalls(ListUsersCommand)[0]!.args[0].input).toMatchObject({ UserPoolId: 'us-east-1_pool', Filter: 'email = "ada\\"x@example.com"' });
    expect(cognito.commandCalls(AdminLinkProviderForUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'us-east-1_pool',
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'native-user' },
      SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '1234567890' },
    });
  });

  it('an unverified Google address matching a user is refused with a message Cognito shows, and nothing is linked', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [user('native-user', 'CONFIRMED')] });
    const err = await rejectionOf(Error, handler(event('Google_1', { email: 'ada@example.com', email_verified: 'false' })));
    expect(err.message).toMatch(/does not say the address is verified/);
    expect(cognito.commandCalls(AdminLinkProviderForUserCommand)).toHaveLength(0);
  });

  it('an admin is not linked while roukey:adminMfa=required', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [user('boss', 'CONFIRMED')] });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'admins' }] });
    await expect(handler(event('GitHub_5', { email: 'ada@example.com', email_verified: 'true' }))).rejects.toThrow(/Administrators/);
    expect(cognito.commandCalls(AdminLinkProviderForUserCommand)).toHaveLength(0);
  });

  it('a new address meets the sign-up policy: by invitation only here', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [] });
    await expect(handler(event('Google_2', { email: 'new@example.com', email_verified: 'true' }))).rejects.toThrow(/by invitation only/);
  });
});
