import { Aws } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  CfnManagedLoginBranding,
  ManagedLoginVersion,
  OAuthScope,
  UserPoolClientIdentityProvider,
  type IUserPoolIdentityProvider,
  type UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { dashboardRedirects } from '../lambdas/auth/dashboard-urls.js';
import { MANAGE_SCOPE_NAME } from '../lambdas/auth/oauth-scopes.js';
import { BRANDING_ASSETS, BRANDING_SETTINGS } from './managed-login-branding.js';
import { SESSION_TOKEN_VALIDITY } from './token-validity.js';

/** Where managed login is served: a prefix under amazoncognito.com, or a domain of the operator's with its certificate. */
export type SignInDomain = { readonly prefix: string } | { readonly domainName: string; readonly certificateArn: string };

/** The default prefix, unique per account (prefixes are unique per Region across AWS): `roukey-<account id>`. */
export const DEFAULT_DOMAIN_PREFIX = `roukey-${Aws.ACCOUNT_ID}`;

/** The user pool's managed login domain, with the newer managed login (branding version 2). */
export function addSignInDomain(userPool: UserPool, domain: SignInDomain | undefined): UserPoolDomain {
  const choice = domain ?? { prefix: DEFAULT_DOMAIN_PREFIX };
  return userPool.addDomain('Domain', {
    managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    ...('prefix' in choice
      ? { cognitoDomain: { domainPrefix: choice.prefix } }
      : { customDomain: { domainName: choice.domainName, certificate: Certificate.fromCertificateArn(userPool, 'DomainCertificate', choice.certificateArn) } }),
  });
}

export interface DashboardSignInProps {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly resourceServer: UserPoolResourceServer;
  /** Origins the dashboard is served from (its CloudFront URL, `roukey:dashboardUrl`, local dev servers). */
  readonly dashboardOrigins: readonly string[];
  /** Google and GitHub, when configured: offered on the sign-in page beside email and password. */
  readonly identityProviders: readonly IUserPoolIdentityProvider[];
}

/**
 * The dashboard's app client and its managed login style. A public client (a browser keeps no secret): authorization
 * code only (no implicit grant), with PKCE from the dashboard; scopes `openid email profile`, the management API's
 * `roukey/manage`, and Cognito's own user scope so the dashboard can enrol TOTP and change a password. It is separate
 * from the CLI client (password and SRP flows, no redirects), so each has only the flows it uses.
 */
export class DashboardSignIn extends Construct {
  readonly client: UserPoolClient;
  readonly branding: CfnManagedLoginBranding;

  constructor(scope: Construct, id: string, props: DashboardSignInProps) {
    super(scope, id);
    const { callbackUrls, logoutUrls } = dashboardRedirects(props.dashboardOrigins);
    this.client = props.userPool.addClient('DashboardClient', {
      userPoolClientName: 'RouKey dashboard',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [
          OAuthScope.OPENID,
          OAuthScope.EMAIL,
          OAuthScope.PROFILE,
          OAuthScope.COGNITO_ADMIN,
          OAuthScope.resourceServer(props.resourceServer, { scopeName: MANAGE_SCOPE_NAME, scopeDescription: 'Manage RouKey' }),
        ],
        callbackUrls,
        logoutUrls,
      },
      supportedIdentityProviders: [
        UserPoolClientIdentityProvider.COGNITO,
        ...props.identityProviders.map((idp) => UserPoolClientIdentityProvider.custom(idp.providerName)),
      ],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      ...SESSION_TOKEN_VALIDITY,
    });

    this.branding = new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      settings: BRANDING_SETTINGS,
      assets: BRANDING_ASSETS,
    });
    // Styles belong to a managed login (version 2) domain.
    this.branding.node.addDependency(props.domain);
  }
}
