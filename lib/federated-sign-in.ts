import { ProviderAttribute, type UserPool, UserPoolIdentityProviderGoogle } from 'aws-cdk-lib/aws-cognito';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { OAUTH_APP_SECRET_FIELDS } from '../lambdas/auth/oauth-app-secret.js';

/** The scopes Cognito asks Google and RouKey's GitHub provider for. */
export const FEDERATED_SCOPES = ['openid', 'email', 'profile'];

/**
 * "Sign in with Google" (`roukey:googleClientSecretName`): Cognito's Google provider (OpenID Connect underneath; the
 * managed login page shows Google's own button for it). CloudFormation resolves the secret's two fields at deploy
 * time, so no function ever reads it. Google's `email_verified` is mapped, so account linking can trust the address.
 */
export function addGoogleSignIn(scope: Construct, userPool: UserPool, secretName: string): UserPoolIdentityProviderGoogle {
  const secret = Secret.fromSecretNameV2(scope, 'GoogleClientSecret', secretName);
  return new UserPoolIdentityProviderGoogle(scope, 'Google', {
    userPool,
    clientId: secret.secretValueFromJson(OAUTH_APP_SECRET_FIELDS.clientId).unsafeUnwrap(),
    clientSecretValue: secret.secretValueFromJson(OAUTH_APP_SECRET_FIELDS.clientSecret),
    scopes: FEDERATED_SCOPES,
    attributeMapping: {
      email: ProviderAttribute.GOOGLE_EMAIL,
      emailVerified: ProviderAttribute.GOOGLE_EMAIL_VERIFIED,
      fullname: ProviderAttribute.GOOGLE_NAME,
      profilePicture: ProviderAttribute.GOOGLE_PICTURE,
    },
  });
}
