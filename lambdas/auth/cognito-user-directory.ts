import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { CONSENT_ATTRIBUTES, customAttribute } from '../accounts/policy.js';
import type { UserDetails, UserDirectory } from '../accounts/user-directory.js';
import type { RuntimeConfig } from '../runtime-config.js';

type Sdk = typeof import('@aws-sdk/client-cognito-identity-provider');

/** One lazily loaded Cognito client per container: most calls never need it. Locally it talks to cognito-local. */
export function cognitoConnector(config: {
  region: string;
  cognito: Pick<RuntimeConfig['cognito'], 'endpoint'>;
}): () => Promise<{ sdk: Sdk; client: CognitoIdentityProviderClient }> {
  let connection: Promise<{ sdk: Sdk; client: CognitoIdentityProviderClient }> | undefined;
  return () =>
    (connection ??= import('@aws-sdk/client-cognito-identity-provider').then((sdk) => ({
      sdk,
      client: new sdk.CognitoIdentityProviderClient({
        region: config.region,
        ...(config.cognito.endpoint ? { endpoint: config.cognito.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      }),
    })));
}

/** The user pool as a UserDirectory. */
export function createCognitoUserDirectory(config: Pick<RuntimeConfig, 'region' | 'cognito'>): UserDirectory {
  const userPoolId = config.cognito.userPoolId;
  const connect = cognitoConnector(config);
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

    async exists(username) {
      const { sdk, client } = await connect();
      try {
        await client.send(new sdk.AdminGetUserCommand({ UserPoolId: pool(), Username: username }));
        return true;
      } catch (err) {
        if (isUserNotFound(err)) return false;
        throw err;
      }
    },

    async remove(username) {
      const { sdk, client } = await connect();
      try {
        await client.send(new sdk.AdminDeleteUserCommand({ UserPoolId: pool(), Username: username }));
      } catch (err) {
        if (!isUserNotFound(err)) throw err;
      }
    },

    async emailOf(username) {
      const { sdk, client } = await connect();
      const out = await client.send(new sdk.AdminGetUserCommand({ UserPoolId: pool(), Username: username }));
      return out.UserAttributes?.find((a) => a.Name === 'email')?.Value;
    },

    async signOutEverywhere(username) {
      const { sdk, client } = await connect();
      await client.send(new sdk.AdminUserGlobalSignOutCommand({ UserPoolId: pool(), Username: username }));
    },

    async signInFactors(username) {
      const { sdk, client } = await connect();
      const out = await client.send(new sdk.AdminGetUserCommand({ UserPoolId: pool(), Username: username }));
      return {
        totp: (out.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA'),
        linkedProviders: linkedProviders(out.UserAttributes?.find((a) => a.Name === 'identities')?.Value),
      };
    },

    async details(username) {
      const { sdk, client } = await connect();
      const out = await client.send(new sdk.AdminGetUserCommand({ UserPoolId: pool(), Username: username }));
      return userDetails(out.UserAttributes ?? [], out.UserStatus);
    },

    async changeEmail(accessToken, email) {
      const { sdk, client } = await connect();
      await client.send(new sdk.UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [{ Name: 'email', Value: email }] }));
    },

    async verifyEmail(accessToken, code) {
      const { sdk, client } = await connect();
      try {
        await client.send(new sdk.VerifyUserAttributeCommand({ AccessToken: accessToken, AttributeName: 'email', Code: code }));
        return 'verified';
      } catch (err) {
        const name = (err as { name?: string } | null)?.name;
        if (name === 'CodeMismatchException' || name === 'ExpiredCodeException') return 'invalid_code';
        throw err;
      }
    },
  };
}

/** AdminGetUser's attributes as a profile shows them. A user whose status is EXTERNAL_PROVIDER has no password. */
export function userDetails(attributes: readonly AttributeType[], status: string | undefined): UserDetails {
  const value = (name: string) => attributes.find((a) => a.Name === name)?.Value;
  const over13 = value(customAttribute(CONSENT_ATTRIBUTES.over13));
  const policyVersion = value(customAttribute(CONSENT_ATTRIBUTES.policyVersion));
  const picture = value('picture');
  return {
    email: value('email'),
    ...(picture?.startsWith('https://') ? { picture } : {}),
    signInMethods: [...(status === 'EXTERNAL_PROVIDER' ? [] : ['password']), ...linkedProviders(value('identities'))],
    ...(over13 === undefined && policyVersion === undefined
      ? {}
      : { signUpConsent: { over13: over13 === 'true', ...(policyVersion ? { policyVersion } : {}) } }),
  };
}

/** The provider names in Cognito's `identities` attribute (a JSON list of `{ providerName, userId, … }`). */
export function linkedProviders(identities: string | undefined): string[] {
  if (!identities) return [];
  try {
    const parsed = JSON.parse(identities) as unknown;
    if (!Array.isArray(parsed)) return [];
    const names = parsed.map((i) => (i as { providerName?: unknown } | null)?.providerName).filter((n): n is string => typeof n === 'string');
    return [...new Set(names)];
  } catch {
    return [];
  }
}

function isUserNotFound(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'UserNotFoundException';
}
