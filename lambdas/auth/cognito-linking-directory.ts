import type { LinkingDirectory } from './account-linking.js';
import { ADMIN_GROUP } from './admin-group.js';
import { cognitoConnector } from './cognito-user-directory.js';

/** The user pool as the pre-sign-up trigger links federated sign-ins into it (Cognito hands the trigger the pool's id). */
export function createCognitoLinkingDirectory(config: { region: string; endpoint?: string; userPoolId: string }): LinkingDirectory {
  const connect = cognitoConnector({ region: config.region, cognito: { endpoint: config.endpoint } });
  const UserPoolId = config.userPoolId;
  return {
    async usersWithEmail(email) {
      const { sdk, client } = await connect();
      const out = await client.send(new sdk.ListUsersCommand({ UserPoolId, Filter: `email = "${email.replace(/["\\]/g, '\\$&')}"`, Limit: 10 }));
      return (out.Users ?? []).flatMap((u) =>
        u.Username
          ? [
              {
                username: u.Username,
                status: u.UserStatus ?? 'UNKNOWN',
                emailVerified: u.Attributes?.some((a) => a.Name === 'email_verified' && a.Value === 'true') ?? false,
                createdAt: u.UserCreateDate?.getTime() ?? 0,
              },
            ]
          : [],
      );
    },
    async isAdmin(username) {
      const { sdk, client } = await connect();
      const out = await client.send(new sdk.AdminListGroupsForUserCommand({ UserPoolId, Username: username, Limit: 60 }));
      return (out.Groups ?? []).some((g) => g.GroupName === ADMIN_GROUP);
    },
    async link(destinationUsername, source) {
      const { sdk, client } = await connect();
      await client.send(
        new sdk.AdminLinkProviderForUserCommand({
          UserPoolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: destinationUsername },
          SourceUser: { ProviderName: source.providerName, ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: source.providerUserId },
        }),
      );
    },
  };
}
