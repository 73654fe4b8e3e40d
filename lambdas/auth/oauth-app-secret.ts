import { z } from 'zod';

/**
 * The shape of the Secrets Manager secrets an operator creates for Google and GitHub sign-in
 * (`roukey:googleClientSecretName`, `roukey:githubClientSecretName`): `{"clientId": "…", "clientSecret": "…"}`.
 * The stack reads Google's by these field names; the GitHub OIDC provider parses GitHub's with the schema.
 */
export const OAUTH_APP_SECRET_FIELDS = { clientId: 'clientId', clientSecret: 'clientSecret' } as const;

export const oauthAppSecretSchema = z.object({
  [OAUTH_APP_SECRET_FIELDS.clientId]: z.string().min(1),
  [OAUTH_APP_SECRET_FIELDS.clientSecret]: z.string().min(1),
});
