import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPoolIdentityProvider } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { DEV_DASHBOARD_ORIGINS } from '../lambdas/auth/dashboard-urls.js';
import { DASHBOARD_SCOPES } from '../lambdas/auth/oauth-scopes.js';
import { Api } from './api.js';
import { Auth } from './auth.js';
import { Billing } from './billing.js';
import { Avatars } from './avatars.js';
import { Data } from './data.js';
import { grantAccountDeletion } from './deletion.js';
import { Edge, acknowledgeWafOff } from './edge.js';
import { Events } from './events.js';
import { Exports } from './exports.js';
import { Jobs } from './jobs.js';
import { addGoogleSignIn } from './federated-sign-in.js';
import { GitHubOidc } from './github-oidc.js';
import { ProviderKeyKey } from './keys.js';
import { Notices, grantProductUpdateJob } from './notices.js';
import { Observability } from './observability.js';
import { DashboardSignIn, type SignInDomain } from './managed-login.js';
import { readStackConfig, type StackConfig } from './stack-config.js';
import { Dashboard } from './web.js';

/** RouKey in one customer's account. Composes the constructs; holds no logic of its own. */
export class RouKeyStack extends Stack {
  readonly data: Data;
  readonly providerKeys: ProviderKeyKey;
  readonly auth: Auth;
  readonly api: Api;
  readonly avatars: Avatars;
  /** The usage aggregator on the activity stream, and its dead-letter queue. */
  readonly jobs: Jobs;
  readonly events: Events;
  /** Data exports (P18): their bucket, its key, and the export job's grants. */
  readonly exports: Exports;
  /** The WAF on the API stage; absent when the deployer turned it off (`roukey:waf=false`). */
  readonly edge?: Edge;
  /** "Sign in with GitHub", when `roukey:githubClientSecretName` is set. */
  readonly githubOidc?: GitHubOidc;
  /** Stripe billing and its nightly sync, when `roukey:stripeSecretName` is set. */
  readonly billing?: Billing;
  /** Notices by email through SES and the daily policy-change notices, when `roukey:sesFromAddress` is set. */
  readonly notices?: Notices;
  /** CloudWatch dashboard, alarms, the audit trail's log group and saved queries. */
  readonly observability: Observability;
  /** The dashboard: S3 and CloudFront (lib/web.ts). */
  readonly dashboard: Dashboard;
  /** The dashboard's app client and managed login style. */
  readonly dashboardSignIn: DashboardSignIn;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const config = readStackConfig(this);
    const throttling = { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit };
    const github = config.githubClientSecretName;
    this.data = new Data(this, 'Data');
    this.providerKeys = new ProviderKeyKey(this, 'ProviderKeys');
    this.auth = new Auth(this, 'Auth', {
      signUp: { mode: config.signUp, domains: config.signUpDomains },
      adminEmail: config.adminEmail,
      adminMfa: config.adminMfa,
      domain: signInDomain(config),
      federation: github !== undefined || config.googleClientSecretName !== undefined,
    });
    this.avatars = new Avatars(this, 'Avatars');
    // Before the API, whose functions publish to it.
    this.events = new Events(this, 'Events');
    this.exports = new Exports(this, 'Exports');
    this.api = new Api(this, 'Api', {
      tables: this.data.tables,
      providerKeys: this.providerKeys,
      auth: this.auth,
      throttling,
      enableBedrock: config.enableBedrock,
      plans: { overrides: config.plans, defaultPlan: config.defaultPlan },
      tracing: config.tracing,
      routerConcurrency: config.routerConcurrency,
      adminMfa: config.adminMfa,
      maxAnswerMiB: config.maxAnswerMiB,
      features: { githubSignIn: github !== undefined },
      avatars: this.avatars,
      exports: this.exports,
      events: this.events,
    });
    this.exports.grantJob(this.events.jobs['data-export'], { tables: this.data.tables, environment: this.api.environment });
    this.avatars.checkUploads({ accounts: this.data.tables.accounts, environment: this.api.environment });
    this.jobs = new Jobs(this, 'Jobs', { tables: this.data.tables });
    grantAccountDeletion(this.events.jobs['account-deletion'], {
      tables: this.data.tables,
      avatars: this.avatars,
      exports: this.exports,
      userPool: this.auth.userPool,
      events: this.events,
      environment: this.api.environment,
    });
    grantProductUpdateJob(this.events.jobs['product-update'], { tables: this.data.tables, environment: this.api.environment });
    this.observability = new Observability(this, 'Observability', {
      api: this.api,
      tables: this.data.tables,
      alarmEmail: config.alarmEmail,
      aggregator: { fn: this.jobs.usageAggregator, deadLetterQueue: this.jobs.usageDeadLetters },
      eventJobs: { fns: this.events.jobs, deadLetterQueue: this.events.deadLetters },
    });
    this.exports.includeAuditTrail(this.observability.auditLogs);
    if (config.waf) this.edge = new Edge(this, 'Edge', { stage: this.api.restApi.deploymentStage, rateLimit: config.wafRateLimit });
    else acknowledgeWafOff(this.api.restApi, throttling);

    const identityProviders: IUserPoolIdentityProvider[] = [];
    if (config.googleClientSecretName) identityProviders.push(addGoogleSignIn(this, this.auth.userPool, config.googleClientSecretName));
    if (github) {
      this.githubOidc = new GitHubOidc(this, 'GitHubOidc', {
        userPool: this.auth.userPool,
        domain: this.auth.domain,
        fn: this.api.fn('github-oidc'),
        apiBaseUrl: this.api.baseUrl,
        limits: this.data.tables.limits,
        githubSecretName: github,
        orgs: config.githubOrgs,
      });
      identityProviders.push(this.githubOidc.provider);
    }
    // The dashboard's CloudFront address is managed login's callback and the API's CORS origin; an operator's own
    // address in front of it (roukey:dashboardUrl) takes its place as the canonical one.
    this.dashboard = new Dashboard(this, 'Dashboard', {
      apiUrl: this.api.baseUrl,
      signInDomain: this.auth.domain.baseUrl(),
      avatarsUrl: `https://${this.avatars.bucketName}.s3.${this.region}.amazonaws.com`,
    });
    const dashboardUrl = config.dashboardUrl?.replace(/\/+$/, '') ?? this.dashboard.url;
    this.api.allowOrigin(config.dashboardUrl ? new URL(config.dashboardUrl).origin : this.dashboard.url);
    const dashboardOrigins = [this.dashboard.url, ...(config.dashboardUrl ? [config.dashboardUrl] : []), ...(config.devCallbacks ? DEV_DASHBOARD_ORIGINS : [])];
    this.avatars.allowOrigins(dashboardOrigins);
    this.dashboardSignIn = new DashboardSignIn(this, 'DashboardSignIn', {
      userPool: this.auth.userPool,
      domain: this.auth.domain,
      resourceServer: this.auth.resourceServer,
      dashboardOrigins,
      identityProviders,
    });
    this.dashboard.deploy({
      apiUrl: this.api.baseUrl,
      region: Aws.REGION,
      userPoolId: this.auth.userPool.userPoolId,
      clientId: this.dashboardSignIn.client.userPoolClientId,
      domain: this.auth.domain.baseUrl(),
      scopes: DASHBOARD_SCOPES,
      ...(config.adminEmail ? { adminContact: config.adminEmail } : {}),
    });
    this.api.addEnvironment({
      COGNITO_DOMAIN: this.auth.domain.baseUrl(),
      ROUKEY_SIGN_IN_PROVIDERS: identityProviders.map((idp) => idp.providerName).join(','),
      COGNITO_DASHBOARD_CLIENT_ID: this.dashboardSignIn.client.userPoolClientId,
    });

    if (config.stripeSecretName) {
      this.billing = new Billing(this, 'Billing', {
        api: this.api,
        tables: this.data.tables,
        stripeSecretName: config.stripeSecretName,
        prices: config.stripePrices,
        returnUrl: config.dashboardUrl ?? this.api.baseUrl,
      });
      // The deletion job cancels the account's subscription and deletes its Stripe customer.
      this.billing.grantStripe(this.events.jobs['account-deletion']);
    }

    if (config.sesFromAddress) {
      this.notices = new Notices(this, 'Notices', {
        tables: this.data.tables,
        environment: this.api.environment,
        fromAddress: config.sesFromAddress,
        // Where notices arise (lambdas/notices/notice-messages.ts): a sign-out everywhere, an email change, billing, an admin's product update.
        senders: [
          this.api.fn('sign-out'),
          this.api.fn('me-email'),
          this.api.fn('billing-webhook'),
          this.events.jobs['product-update'],
          ...(this.billing ? [this.billing.syncFunction] : []),
        ],
      });
    }

    new CfnOutput(this, 'GatewayUrl', { value: this.api.restApi.url, description: 'OpenAI base URL: append v1' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId, description: 'The CLI app client (password sign-in)' });
    new CfnOutput(this, 'SignInUrl', { value: this.auth.domain.baseUrl(), description: 'Managed login (hosted sign-in pages)' });
    new CfnOutput(this, 'FederationRedirectUri', {
      value: `${this.auth.domain.baseUrl()}/oauth2/idpresponse`,
      description: "Register as an authorized redirect URI of the Google OAuth client (Cognito's identity-provider response endpoint)",
    });
    if (this.billing) {
      new CfnOutput(this, 'StripeWebhookUrl', {
        value: `${this.api.baseUrl}/v1/billing/webhook`,
        description: "Register as the Stripe webhook endpoint's URL",
      });
    }
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName, description: 'The CloudWatch dashboard' });
    new CfnOutput(this, 'DashboardUrl', { value: dashboardUrl, description: 'The dashboard (sign in with managed login)' });
    new CfnOutput(this, 'DashboardClientId', { value: this.dashboardSignIn.client.userPoolClientId });
    if (this.githubOidc) {
      new CfnOutput(this, 'GitHubCallbackUrl', {
        value: this.githubOidc.callbackUrl,
        description: "Register as the GitHub OAuth app's authorization callback URL",
      });
    }
  }
}

function signInDomain(config: StackConfig): SignInDomain | undefined {
  if (config.authDomain && config.authCertificateArn) return { domainName: config.authDomain, certificateArn: config.authCertificateArn };
  return config.authDomainPrefix ? { prefix: config.authDomainPrefix } : undefined;
}
