import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { COGNITO_USER_SCOPE, MANAGE_SCOPE } from '../../lambdas/auth/oauth-scopes.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { BRAND } from '../../lib/managed-login-branding.js';
import { RouKeyStack } from '../../lib/roukey-stack.js';
import { readStackConfig } from '../../lib/stack-config.js';
import { resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

const synth = (context: Record<string, unknown> = {}) => {
  const app = new App(resourcesOnly(context));
  const stack = new RouKeyStack(app, 'RouKey');
  const template = Template.fromStack(stack);
  return { app, stack, template, resources: template.toJSON().Resources as Record<string, Json> };
};
const config = (context: Record<string, unknown>) => readStackConfig(new Stack(new App({ context }), 'S'));

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const FULL = {
  'roukey:dashboardUrl': 'https://dash.example.com',
  'roukey:devCallbacks': 'true',
  'roukey:authDomainPrefix': 'roukey-test',
  'roukey:googleClientSecretName': 'roukey/google',
  'roukey:githubClientSecretName': 'roukey/github',
  'roukey:githubOrgs': 'Acme,globex',
  'roukey:adminMfa': 'required',
};

const byDefault = synth();
const full = synth(FULL);
const customDomain = synth({
  'roukey:authDomain': 'Auth.Example.com',
  'roukey:authCertificateArn': CERT,
  'roukey:dashboardUrl': 'https://dash.example.com/app/',
});

/** A URL on the dashboard's CloudFront address, as the template writes it. */
const cloudFront = (s: { stack: RouKeyStack }, path: string) => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [s.stack.getLogicalId(s.stack.dashboard.distribution.node.defaultChild as never), 'DomainName'] }, path]],
});
const ofType = (s: { resources: Record<string, Json> }, type: string) => Object.entries(s.resources).filter(([, r]) => r.Type === type);
const clients = (s: { resources: Record<string, Json> }) => ofType(s, 'AWS::Cognito::UserPoolClient').map(([, r]) => r.Properties as Json);
const dashboardClient = (s: { resources: Record<string, Json> }) => clients(s).find((c) => c.ClientName === 'RouKey dashboard');
const cliClient = (s: { stack: RouKeyStack; resources: Record<string, Json> }) =>
  s.resources[s.stack.getLogicalId(s.stack.auth.client.node.defaultChild as never)]!.Properties as Json;
const envOf = (s: { stack: RouKeyStack; resources: Record<string, Json> }, handler: Parameters<RouKeyStack['api']['fn']>[0]) =>
  s.resources[s.stack.getLogicalId(s.stack.api.fn(handler).node.defaultChild as never)]!.Properties.Environment.Variables as Json;
const statementsOfRole = (s: { stack: RouKeyStack; resources: Record<string, Json> }, role: unknown) => {
  const id = s.stack.getLogicalId((role as { node: { defaultChild: never } }).node.defaultChild);
  return Object.values(s.resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === id))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
};

describe('P16: managed login in AWS', () => {
  it('a Cognito domain with the newer managed login (version 2): roukey-<account> by default, the prefix from context, or a custom domain with its certificate', () => {
    const domains = (s: { resources: Record<string, Json> }) => ofType(s, 'AWS::Cognito::UserPoolDomain').map(([, r]) => r.Properties as Json);
    expect(domains(byDefault)).toEqual([
      expect.objectContaining({ Domain: { 'Fn::Join': ['', ['roukey-', { Ref: 'AWS::AccountId' }]] }, ManagedLoginVersion: 2 }),
    ]);
    expect(domains(full)).toEqual([expect.objectContaining({ Domain: 'roukey-test', ManagedLoginVersion: 2 })]);
    expect(domains(customDomain)).toEqual([
      expect.objectContaining({ Domain: 'auth.example.com', ManagedLoginVersion: 2, CustomDomainConfig: { CertificateArn: CERT } }),
    ]);
  });

  it('the dashboard client: authorization code only (no implicit grant, no secret), openid email profile + roukey/manage, exact callback URLs, localhost only with devCallbacks', () => {
    const client = dashboardClient(full)!;
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      EnableTokenRevocation: true,
      CallbackURLs: [
        cloudFront(full, '/auth/callback'),
        'https://dash.example.com/auth/callback',
        'http://localhost:5173/auth/callback',
        'http://localhost:8787/auth/callback',
      ],
      LogoutURLs: [cloudFront(full, '/'), 'https://dash.example.com/', 'http://localhost:5173/', 'http://localhost:8787/'],
    });
    // The resource server's scope is `<identifier>/manage`, its identifier referenced from the resource server.
    const resourceServer = full.stack.getLogicalId(full.stack.auth.resourceServer.node.defaultChild as never);
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile', COGNITO_USER_SCOPE, { 'Fn::Join': ['', [{ Ref: resourceServer }, '/manage']] }]);
    expect(MANAGE_SCOPE).toBe('roukey/manage');
    // Without devCallbacks, only the dashboard's addresses; a path prefix is kept, its trailing slash dropped.
    expect(dashboardClient(customDomain)).toMatchObject({
      CallbackURLs: [cloudFront(customDomain, '/auth/callback'), 'https://dash.example.com/app/auth/callback'],
      LogoutURLs: [cloudFront(customDomain, '/'), 'https://dash.example.com/app/'],
    });
    // By default the dashboard's CloudFront address alone.
    expect(dashboardClient(byDefault)).toMatchObject({ CallbackURLs: [cloudFront(byDefault, '/auth/callback')], LogoutURLs: [cloudFront(byDefault, '/')] });
  });

  it('the CLI client keeps password and SRP sign-in and has no OAuth redirects at all', () => {
    for (const s of [byDefault, full]) {
      const client = cliClient(s);
      expect(client.AllowedOAuthFlowsUserPoolClient).toBe(false);
      expect(client.AllowedOAuthFlows).toBeUndefined();
      expect(client.CallbackURLs).toBeUndefined();
      expect(client.ExplicitAuthFlows).toEqual(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    }
  });

  it('access and ID tokens live 15 minutes, refresh tokens 30 days, revocation on, for both clients', () => {
    for (const client of [cliClient(full), dashboardClient(full)!]) {
      expect(client).toMatchObject({
        AccessTokenValidity: 15,
        IdTokenValidity: 15,
        RefreshTokenValidity: 30 * 24 * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        EnableTokenRevocation: true,
      });
    }
  });

  it("the management API is a resource server with the scope roukey/manage, and every Cognito route accepts either client's access tokens (any one scope)", () => {
    full.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'roukey',
      Scopes: [{ ScopeName: 'manage', ScopeDescription: 'Manage RouKey' }],
    });
    const cognitoMethods = ofType(full, 'AWS::ApiGateway::Method').filter(([, r]) => r.Properties.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(cognitoMethods.length).toBe(ROUTES.filter((r) => r.auth === 'cognito').length);
    // API Gateway's Cognito authorizer lets a token through when it carries at least one of the method's scopes.
    for (const [, m] of cognitoMethods) expect(m.Properties.AuthorizationScopes).toEqual([MANAGE_SCOPE, COGNITO_USER_SCOPE]);
  });

  it("RouKey's managed login style (branding version 2): its colours and its name as the form's logo, on the dashboard client", () => {
    const [[, branding]] = ofType(full, 'AWS::Cognito::ManagedLoginBranding') as [[string, Json]];
    expect(branding.Properties.ClientId).toEqual({ Ref: full.stack.getLogicalId(full.stack.dashboardSignIn.client.node.defaultChild as never) });
    expect(branding.Properties.Settings.components.primaryButton.lightMode.defaults.backgroundColor).toBe(BRAND.primary);
    expect(branding.Properties.Settings.components.form.logo.enabled).toBe(true);
    const [logo] = branding.Properties.Assets;
    expect(logo).toMatchObject({ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'SVG' });
    expect(Buffer.from(logo.Bytes, 'base64').toString()).toContain(`>${BRAND.name}</text>`);
    expect(branding.DependsOn).toEqual(expect.arrayContaining([full.stack.getLogicalId(full.stack.auth.domain.node.defaultChild as never)]));
  });

  it('POST /v1/me/sign-out may call AdminUserGlobalSignOut on the pool, and nothing else of Cognito beyond reading the caller', () => {
    const cognito = statementsOfRole(full, full.stack.api.fn('sign-out').role)
      .flatMap((s) => [s.Action].flat())
      .filter((a: string) => a.startsWith('cognito-idp:'));
    expect(cognito.sort()).toEqual(['cognito-idp:AdminGetUser', 'cognito-idp:AdminUserGlobalSignOut']);
  });

  it('roukey:adminMfa reaches every function and the pre-sign-up trigger', () => {
    expect(envOf(full, 'admin-accounts').ROUKEY_ADMIN_MFA).toBe('required');
    expect(envOf(byDefault, 'admin-accounts').ROUKEY_ADMIN_MFA).toBe('optional');
    const trigger = full.resources[full.stack.getLogicalId(full.stack.auth.preSignUp.node.defaultChild as never)]!;
    expect(trigger.Properties.Environment.Variables.ROUKEY_ADMIN_MFA).toBe('required');
  });
});

describe('P16: Google and GitHub, present only when configured', () => {
  it('no identity provider, GitHub route, signing key or linking grant by default', () => {
    expect(ofType(byDefault, 'AWS::Cognito::UserPoolIdentityProvider')).toEqual([]);
    expect(ofType(byDefault, 'AWS::ApiGateway::Resource').map(([, r]) => r.Properties.PathPart)).not.toContain('oidc');
    expect(byDefault.stack.api.functions['github-oidc']).toBeUndefined();
    expect(ofType(byDefault, 'AWS::KMS::Key').filter(([, r]) => r.Properties.KeyUsage === 'SIGN_VERIFY')).toEqual([]);
    const trigger = statementsOfRole(byDefault, byDefault.stack.auth.preSignUp.role).flatMap((s) => [s.Action].flat());
    expect(trigger).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(dashboardClient(customDomain)!.SupportedIdentityProviders).toEqual(['COGNITO']);
  });

  it('Google: its own provider type, with the client id and secret resolved from the named secret at deploy, email, email_verified, name and picture mapped', () => {
    const google = ofType(full, 'AWS::Cognito::UserPoolIdentityProvider').find(([, r]) => r.Properties.ProviderType === 'Google')![1].Properties;
    expect(google).toMatchObject({
      ProviderName: 'Google',
      AttributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name', picture: 'picture' },
      ProviderDetails: { authorize_scopes: 'openid email profile' },
    });
    expect(JSON.stringify(google.ProviderDetails.client_id)).toMatch(/\{\{resolve:secretsmanager:.*:secret:roukey\/google:SecretString:clientId::\}\}/);
    expect(JSON.stringify(google.ProviderDetails.client_secret)).toMatch(/secret:roukey\/google:SecretString:clientSecret::\}\}/);
  });

  it("GitHub: an OIDC provider whose issuer and endpoints are RouKey's own /oidc/github on the API, with the generated client secret", () => {
    const github = ofType(full, 'AWS::Cognito::UserPoolIdentityProvider').find(([, r]) => r.Properties.ProviderType === 'OIDC')![1].Properties;
    const details = JSON.parse(JSON.stringify(github.ProviderDetails).replace(/\{"Ref":"ApiRestApi[0-9A-F]+"\}/g, '"API"'));
    const url = (path: string) => ({
      'Fn::Join': ['', ['https://', 'API', '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/prod/oidc/github${path}`]],
    });
    expect(github).toMatchObject({
      ProviderName: 'GitHub',
      AttributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name', picture: 'picture', preferred_username: 'preferred_username' },
    });
    expect(details).toMatchObject({
      client_id: 'roukey-cognito',
      attributes_request_method: 'GET',
      authorize_scopes: 'openid email profile',
      oidc_issuer: url(''),
      authorize_url: url('/authorize'),
      token_url: url('/token'),
      attributes_url: url('/userinfo'),
      jwks_uri: url('/jwks'),
    });
    expect(JSON.stringify(github.ProviderDetails.client_secret)).toContain('{{resolve:secretsmanager:');
    // What the operator registers at GitHub and Google.
    const outputs = full.template.toJSON().Outputs as Json;
    expect(JSON.stringify(outputs.GitHubCallbackUrl.Value)).toContain('/prod/oidc/github/callback');
    expect(JSON.stringify(outputs.FederationRedirectUri.Value)).toContain('.amazoncognito.com/oauth2/idpresponse');
    expect(byDefault.template.toJSON().Outputs.GitHubCallbackUrl).toBeUndefined();
    expect(dashboardClient(full)!.SupportedIdentityProviders).toEqual([
      'COGNITO',
      { Ref: full.stack.getLogicalId(full.stack.node.findChild('Google').node.defaultChild as never) },
      { Ref: full.stack.getLogicalId(full.stack.githubOidc!.provider.node.defaultChild as never) },
    ]);
  });

  it('the GitHub provider signs with an RSA 2048 sign/verify KMS key and may only Sign and GetPublicKey with it; its routes exist', () => {
    const keys = ofType(full, 'AWS::KMS::Key').filter(([, r]) => r.Properties.KeyUsage === 'SIGN_VERIFY');
    expect(keys.map(([, r]) => r.Properties.KeySpec)).toEqual(['RSA_2048']);
    const [keyId] = keys[0]!;
    const onKey = statementsOfRole(full, full.stack.api.fn('github-oidc').role).filter((s) => JSON.stringify(s.Resource).includes(keyId));
    expect(onKey.flatMap((s) => [s.Action].flat()).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    const env = envOf(full, 'github-oidc');
    expect(env).toMatchObject({
      GITHUB_OIDC_CLIENT_ID: 'roukey-cognito',
      GITHUB_SECRET_ID: 'roukey/github',
      GITHUB_ORGS: 'Acme,globex',
      OIDC_SIGNING_KEY_ID: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(JSON.stringify(env.GITHUB_OIDC_REDIRECT_URIS)).toContain('.amazoncognito.com/oauth2/idpresponse');
    // CORS preflights (OPTIONS, lib/api.ts allowOrigin) have no authorizer either; they are not routes.
    const oidcPaths = ofType(full, 'AWS::ApiGateway::Method').filter(
      ([, r]) => r.Properties.AuthorizationType === 'NONE' && r.Properties.HttpMethod !== 'OPTIONS',
    ).length;
    expect(oidcPaths).toBe(ROUTES.filter((r) => r.auth !== 'cognito').length);
  });

  it('with a provider configured, the pre-sign-up trigger may list users, read their groups and link a provider, on this pool only', () => {
    const pool = { 'Fn::GetAtt': [full.stack.getLogicalId(full.stack.auth.userPool.node.defaultChild as never), 'Arn'] };
    const linking = statementsOfRole(full, full.stack.auth.preSignUp.role).filter((s) => JSON.stringify(s.Action).includes('cognito-idp'));
    expect(linking).toEqual([
      expect.objectContaining({
        Action: ['cognito-idp:ListUsers', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminLinkProviderForUser'],
        Resource: pool,
      }),
    ]);
  });

  it('cdk-nag finds nothing unacknowledged with every sign-in option on', () => {
    const report = new AwsSolutionsChecks(full.app, { verbose: true }).validateScope(full.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });
});

describe('sign-in context is validated at synth', () => {
  it.each([
    [{ 'roukey:authDomainPrefix': 'My_Pool' }, /roukey:authDomainPrefix: must be lower-case letters/],
    [{ 'roukey:authDomainPrefix': 'my-cognito' }, /roukey:authDomainPrefix: must not contain aws, amazon or cognito/],
    [{ 'roukey:authDomain': 'auth.example.com' }, /roukey:authCertificateArn: must be set together/],
    [{ 'roukey:authCertificateArn': CERT }, /roukey:authDomain: must be set together/],
    [
      { 'roukey:authDomain': 'auth.example.com', 'roukey:authCertificateArn': CERT.replace('us-east-1', 'eu-west-1') },
      /roukey:authCertificateArn: must be the ARN of an ACM certificate in us-east-1/,
    ],
    [
      { 'roukey:authDomain': 'auth.example.com', 'roukey:authCertificateArn': CERT, 'roukey:authDomainPrefix': 'x' },
      /roukey:authDomainPrefix: is not used with a custom domain/,
    ],
    [{ 'roukey:dashboardUrl': 'http://dash.example.com' }, /roukey:dashboardUrl: must be an https URL/],
    [{ 'roukey:devCallbacks': 'yes' }, /roukey:devCallbacks: must be true or false/],
    [{ 'roukey:adminMfa': 'always' }, /roukey:adminMfa: must be one of: optional, required/],
    [{ 'roukey:googleClientSecretName': 'has spaces' }, /roukey:googleClientSecretName: must be a Secrets Manager secret name/],
    [{ 'roukey:githubOrgs': 'acme' }, /roukey:githubOrgs: only applies to GitHub sign-in/],
    [{ 'roukey:githubClientSecretName': 'gh', 'roukey:githubOrgs': 'not an org!' }, /roukey:githubOrgs\.0: must be a GitHub organisation login/],
  ])('%j is refused', (context, message) => {
    expect(() => config(context)).toThrow(message);
  });

  it('valid values parse, lists from JSON or comma-separated text', () => {
    expect(config(FULL)).toMatchObject({ devCallbacks: true, adminMfa: 'required', githubOrgs: ['Acme', 'globex'], authDomainPrefix: 'roukey-test' });
    expect(config({ 'roukey:githubClientSecretName': 'gh', 'roukey:githubOrgs': '["acme"]' }).githubOrgs).toEqual(['acme']);
    expect(config({})).toMatchObject({ devCallbacks: false, adminMfa: 'optional', githubOrgs: [] });
  });
});
