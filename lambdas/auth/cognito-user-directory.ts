import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { RuntimeConfig } from '../runtime-config.js';

/**
 * The user pool as a UserDirectory. The Cognito SDK is loaded on first use: most management calls never need it.
 * Locally it talks to cognito-local (`config.cognito.endpoint`).
 */
export function createCognitoUserDirectory(config: Pick<RuntimeConfig, 'region' | 'cognito'>): UserDirectory {
  const userPoolId = config.cognito.userPoolId;
  let client: Promise<{ sdk: typeof import('@aws-sdk/client-cognito-identity-provider'); client: CognitoIdentityProviderClient }> | undefined;
  const connect = () =>
    (client ??= import('@aws-sdk/client-cognito-identity-provider').then((sdk) => ({
      sdk,
      client: new sdk.CognitoIdentityProviderClient({
        region: config.region,
        ...(config.cognito.endpoint ? { endpoint: config.cognito.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      }),
    })));
  const pool = () => {
    if (!userPoolId) throw new Error('COGNITO_USER_POOL_ID is not set');
    return userPoolId;
  };

  return {
    async invite(email) {
      const { sdk, client } = await connect();
      try {
        const out = await client.send(
          new sdk.AdminCreateUserCommand({
            UserPoolId: pool(),
            Username: email,
            // Verified: the address is the admin's to vouch for, and it lets the user reset a forgotten password.
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
        const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
        if (!sub) throw new Error('AdminCreateUser returned no sub');
        return { sub };
      } catch (err) {
        if ((err as { name?: string } | null)?.name === 'UsernameExistsException') return 'exists';
        throw err;
      }
    },

    async emailOf(username) {
      const { sdk, client } = await connect();
      const out = await client.send(new sdk.AdminGetUserCommand({ UserPoolId: pool(), Username: username }));
      return out.UserAttributes?.find((a) => a.Name === 'email')?.Value;
    },
  };
}
