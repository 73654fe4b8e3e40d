import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { OidcAttributeRequestMethod, ProviderAttribute, type UserPool, type UserPoolDomain, UserPoolIdentityProviderOidc } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FEDERATED_PROVIDERS } from '../lambdas/auth/federated-providers.js';
import { GITHUB_OIDC_PATH } from '../lambdas/handlers/routes.js';
import type { RouKeyTable } from './data.js';
import { FEDERATED_SCOPES } from './federated-sign-in.js';
import type { RouKeyFunction } from './function.js';

/** The client id Cognito presents to RouKey's GitHub provider (not a secret; the provider has this one client). */
export const GITHUB_OIDC_CLIENT_ID = 'roukey-cognito';

export interface GitHubOidcProps {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  /** The function serving `/oidc/github/*` (lambdas/handlers/github-oidc.ts). */
  readonly fn: RouKeyFunction;
  /** Where the API is served: `https://<api id>.execute-api.<region>.<suffix>/<stage>`, without a trailing slash. */
  readonly apiBaseUrl: string;
  readonly limits: RouKeyTable;
  /** `roukey:githubClientSecretName`: the secret `{"clientId","clientSecret"}` of RouKey's GitHub OAuth app. */
  readonly githubSecretName: string;
  /** `roukey:githubOrgs`. */
  readonly orgs: readonly string[];
}

/**
 * "Sign in with GitHub": GitHub speaks OAuth 2.0 and Cognito federates only OIDC or SAML, so RouKey runs a small OIDC
 * provider of its own in front of GitHub (`/oidc/github/*` on the API) and Cognito is its one client. ID tokens are
 * signed by an asymmetric KMS key (RSA 2048, sign/verify) whose private half never leaves KMS. Cognito's client
 * secret is generated into Secrets Manager; GitHub's comes from the operator's secret.
 */
export class GitHubOidc extends Construct {
  readonly provider: UserPoolIdentityProviderOidc;
  readonly signingKey: Key;
  readonly issuer: string;
  /** Where GitHub sends people back: the GitHub OAuth app's authorization callback URL. */
  readonly callbackUrl: string;

  constructor(scope: Construct, id: string, props: GitHubOidcProps) {
    super(scope, id);
    const { fn } = props;
    this.issuer = `${props.apiBaseUrl}${GITHUB_OIDC_PATH}`;
    this.callbackUrl = `${this.issuer}/callback`;
    const idpResponse = `${props.domain.baseUrl()}/oauth2/idpresponse`;

    this.signingKey = new Key(this, 'SigningKey', {
      description: 'RouKey GitHub sign-in: signs the ID tokens of its OIDC provider',
      keySpec: KeySpec.RSA_2048,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // It signs tokens that live minutes; nothing it signed needs it once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const clientSecret = new Secret(this, 'CognitoClientSecret', {
      description: 'RouKey GitHub sign-in: the secret Cognito presents to the GitHub OIDC provider',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(clientSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A credential between two parts of this stack (Cognito and the GitHub OIDC provider), generated at deploy and never shown to anyone; rotating it would need the identity provider updated in the same step, which a rotation Lambda cannot do atomically. Replace it by deleting the secret and redeploying.',
    });
    const githubApp = Secret.fromSecretNameV2(this, 'GitHubAppSecret', props.githubSecretName);

    fn.bindTable(props.limits, { actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'] });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [this.signingKey.keyArn] }));
    clientSecret.grantRead(fn);
    githubApp.grantRead(fn);
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        'Reading the GitHub OAuth app secret named by roukey:githubClientSecretName: Secrets Manager appends a random six-character suffix to every secret ARN, so a secret known by name is granted as <name>-?????? (that one secret, no other).',
    });
    for (const [name, value] of Object.entries({
      GITHUB_OIDC_ISSUER: this.issuer,
      GITHUB_OIDC_CLIENT_ID,
      GITHUB_OIDC_REDIRECT_URIS: idpResponse,
      GITHUB_OIDC_CLIENT_SECRET_ID: clientSecret.secretArn,
      GITHUB_SECRET_ID: props.githubSecretName,
      GITHUB_ORGS: props.orgs.join(','),
      OIDC_SIGNING_KEY_ID: this.signingKey.keyArn,
    })) {
      fn.addEnvironment(name, value);
    }

    const endpoint = (path: string) => `${this.issuer}/${path}`;
    this.provider = new UserPoolIdentityProviderOidc(this, 'Provider', {
      userPool: props.userPool,
      name: FEDERATED_PROVIDERS.github,
      clientId: GITHUB_OIDC_CLIENT_ID,
      clientSecret: clientSecret.secretValue.unsafeUnwrap(),
      issuerUrl: this.issuer,
      // Given, so Cognito need not read the discovery document while the API is still being deployed.
      endpoints: { authorization: endpoint('authorize'), token: endpoint('token'), userInfo: endpoint('userinfo'), jwksUri: endpoint('jwks') },
      scopes: FEDERATED_SCOPES,
      attributeRequestMethod: OidcAttributeRequestMethod.GET,
      attributeMapping: {
        email: ProviderAttribute.other('email'),
        emailVerified: ProviderAttribute.other('email_verified'),
        fullname: ProviderAttribute.other('name'),
        profilePicture: ProviderAttribute.other('picture'),
        preferredUsername: ProviderAttribute.other('preferred_username'),
      },
    });
  }
}

/** The API's base URL from its id and stage name, without referring to the stage resource (which waits for every method). */
export function apiBaseUrl(restApiId: string, stageName: string): string {
  return `https://${restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${stageName}`;
}
