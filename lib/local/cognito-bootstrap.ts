import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN_GROUP } from '../../lambdas/auth/admin-group.js';
import type { LocalConfig } from './local-config.js';

export const DEV_USER_EMAIL = 'dev@roukey.local';

export interface CognitoSetup {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly devUser: { readonly email: string; readonly password: string };
  /** The dev user's sub, which keys their RouKey account. */
  readonly devUserSub: string;
}

/** An SDK client for cognito-local (it ignores credentials, the SDK still wants some). */
export function cognitoLocalClient(endpoint: string, region: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ region, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** Upper, lower, digit and symbol, so any Cognito password policy accepts it. */
function strongPassword(): string {
  return `Rk-${randomBytes(18).toString('base64url')}-7a`;
}

async function exists(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

/**
 * The user pool, app client, admins group and dev user: those recorded by a previous start are reused when
 * cognito-local still has them (so restarts keep users); anything missing is created. The dev user is made the way an
 * admin invites people (AdminCreateUser, which no sign-up policy refuses) with a permanent password, and is an admin.
 */
export async function ensureCognitoSetup(client: CognitoIdentityProviderClient, previous?: Omit<CognitoSetup, 'devUserSub'>): Promise<CognitoSetup> {
  let userPoolId = previous?.userPoolId;
  if (!userPoolId || !(await exists(() => client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))))) {
    const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'roukey-local', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] }));
    userPoolId = pool.UserPool?.Id;
    if (!userPoolId) throw new Error('cognito-local returned no user pool id');
  }
  // As in AWS (lib/auth.ts): TOTP offered to everyone, required of nobody. Set on every start (pools made before had none).
  await client.send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: userPoolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
  let userPoolClientId = previous?.userPoolId === userPoolId ? previous.userPoolClientId : undefined;
  if (!userPoolClientId || !(await exists(() => client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: userPoolClientId }))))) {
    const appClient = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'roukey-local-web',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
      }),
    );
    userPoolClientId = appClient.UserPoolClient?.ClientId;
    if (!userPoolClientId) throw new Error('cognito-local returned no app client id');
  }
  // cognito-local's CreateGroup replaces a group of the same name (members included), so it runs only when missing.
  if (!(await exists(() => client.send(new GetGroupCommand({ UserPoolId: userPoolId, GroupName: ADMIN_GROUP }))))) {
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: ADMIN_GROUP, Description: 'RouKey administrators' }));
  }
  const email = DEV_USER_EMAIL;
  const kept = previous?.userPoolId === userPoolId ? previous.devUser : undefined;
  let user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email })).catch(() => undefined);
  let devUser = kept;
  if (!user || !devUser) {
    const password = strongPassword();
    if (!user) {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          TemporaryPassword: password,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    }
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: password, Permanent: true }));
    user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    devUser = { email, password };
  }
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: ADMIN_GROUP }));
  const devUserSub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
  if (!devUserSub) throw new Error('cognito-local returned the dev user without a sub');
  return { userPoolId, userPoolClientId, devUser, devUserSub };
}

/** Signs a user in against cognito-local with USER_PASSWORD_AUTH; returns the access token. */
export async function signIn(config: LocalConfig, user: { email: string; password: string } = config.devUser): Promise<string> {
  const client = cognitoLocalClient(config.cognitoEndpoint, config.region);
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config.userPoolClientId,
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    const token = out.AuthenticationResult?.AccessToken;
    if (!token) throw new Error('cognito-local returned no access token');
    return token;
  } finally {
    client.destroy();
  }
}
