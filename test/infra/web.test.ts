import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DASHBOARD_SCOPES } from '../../lambdas/auth/oauth-scopes.js';
import { dashboardRoutes, ROUTES } from '../../lambdas/handlers/routes.js';
import { RouKeyStack } from '../../lib/roukey-stack.js';
import { resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

const synth = (context: Record<string, unknown> = {}) => {
  const stack = new RouKeyStack(new App(resourcesOnly(context)), 'RouKey');
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Record<string, Json>, outputs: template.toJSON().Outputs as Record<string, Json> };
};
const byDefault = synth();
const ownAddress = synth({ 'roukey:dashboardUrl': 'https://dash.example.com/app/' });

const ofType = (s: { resources: Record<string, Json> }, type: string) =>
  Object.values(s.resources)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties as Json);
const distributionDomain = (s: typeof byDefault) => ({
  'Fn::GetAtt': [s.stack.getLogicalId(s.stack.dashboard.distribution.node.defaultChild as never), 'DomainName'],
});
const cloudFrontUrl = (s: typeof byDefault) => ({ 'Fn::Join': ['', ['https://', distributionDomain(s)]] });

describe('the dashboard in AWS (lib/web.ts)', () => {
  it('a private bucket: every public access blocked, objects owned by the bucket, TLS-only policy', () => {
    const [bucket] = ofType(byDefault, 'AWS::S3::Bucket').filter((b) => b.PublicAccessBlockConfiguration);
    expect(bucket?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket?.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    const statements = ofType(byDefault, 'AWS::S3::BucketPolicy').flatMap((p) => p.PolicyDocument.Statement as Json[]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
    );
    // Only CloudFront reads it, through origin access control (signed by the service, scoped to this distribution).
    const reads = statements.filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(reads).toEqual([expect.objectContaining({ Action: 's3:GetObject', Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } } })]);
    expect(ofType(byDefault, 'AWS::CloudFront::OriginAccessControl')).toEqual([
      { OriginAccessControlConfig: expect.objectContaining({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) },
    ]);
  });

  it('CloudFront: HTTPS only, TLS 1.2, and every path the app routes answered by index.html', () => {
    const [distribution] = ofType(byDefault, 'AWS::CloudFront::Distribution');
    const config = distribution?.DistributionConfig as Json;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true });
    expect(config.CustomErrorResponses).toEqual(
      [403, 404].map((ErrorCode) => ({ ErrorCode, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 })),
    );
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
  });

  it('security headers: a CSP without inline scripts that may call only the API and Cognito, HSTS, no framing, no referrer', () => {
    const [policy] = ofType(byDefault, 'AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy?.ResponseHeadersPolicyConfig.SecurityHeadersConfig as Json;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('.execute-api.');
    expect(csp).toContain('https://cognito-idp.');
    // Avatars: uploaded by a presigned POST to the avatars bucket and shown from it.
    expect(csp).toMatch(/img-src 'self' data: https:\/\/[^;]*\.s3\./);
    expect(csp).toMatch(/connect-src [^;]*https:\/\/[^;]*\.s3\./);
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
  });

  it('deploys the build with a config.json naming the API, the pool, the dashboard client and managed login; its URL is an output', () => {
    const [deployment] = ofType(byDefault, 'Custom::CDKBucketDeployment');
    expect(deployment?.SourceObjectKeys).toHaveLength(2);
    expect(deployment?.Prune).toBe(true);
    expect(deployment?.DistributionPaths).toEqual(['/index.html', '/config.json']);
    const markers = JSON.stringify(deployment?.SourceMarkers);
    const clientId = byDefault.stack.getLogicalId(byDefault.stack.dashboardSignIn.client.node.defaultChild as never);
    expect(markers).toContain(clientId);
    expect(markers).toContain(byDefault.stack.getLogicalId(byDefault.stack.auth.userPool.node.defaultChild as never));
    expect(markers).toContain(byDefault.stack.getLogicalId(byDefault.stack.api.restApi.node.defaultChild as never));
    expect(byDefault.outputs.DashboardUrl?.Value).toEqual(cloudFrontUrl(byDefault));
    expect(ownAddress.outputs.DashboardUrl?.Value).toBe('https://dash.example.com/app');
    expect(DASHBOARD_SCOPES).toContain('roukey/manage');
  });

  it('CORS for the dashboard origin only: preflights on the management routes and the try-it route, not the rest of the router; the header on functions and gateway refusals', () => {
    for (const [s, origin] of [
      [byDefault, cloudFrontUrl(byDefault)],
      [ownAddress, 'https://dash.example.com'],
    ] as const) {
      const preflights = ofType(s, 'AWS::ApiGateway::Method').filter((m) => m.HttpMethod === 'OPTIONS');
      const managementPaths = new Set(dashboardRoutes(ROUTES).map((r) => r.path));
      expect(preflights).toHaveLength(managementPaths.size);
      for (const p of preflights) {
        const allowed = p.Integration.IntegrationResponses[0].ResponseParameters['method.response.header.Access-Control-Allow-Origin'];
        expect(JSON.stringify(allowed)).toContain(typeof origin === 'string' ? origin : JSON.stringify(distributionDomain(s)).slice(1, -1));
      }
      const env = ofType(s, 'AWS::Lambda::Function').find((f) => f.Environment?.Variables?.ROUKEY_DASHBOARD_ORIGIN)?.Environment.Variables;
      expect(env?.ROUKEY_DASHBOARD_ORIGIN).toEqual(origin);
      const unauthorized = ofType(s, 'AWS::ApiGateway::GatewayResponse').find((g) => g.ResponseType === 'UNAUTHORIZED');
      const header = JSON.stringify(unauthorized?.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']);
      expect(header).toContain(typeof origin === 'string' ? `'${origin}'` : s.stack.getLogicalId(s.stack.dashboard.distribution.node.defaultChild as never));
    }
    // The try-it panel's one router route has a preflight; the others stay without: servers and SDKs call them.
    const resource = (path: string) => byDefault.stack.api.restApi.root.resourceForPath(path);
    expect(resource('/v1/chat/completions').node.tryFindChild('OPTIONS')).toBeDefined();
    expect(resource('/v1/messages').node.tryFindChild('OPTIONS')).toBeUndefined();
    expect(resource('/v1/embeddings').node.tryFindChild('OPTIONS')).toBeUndefined();
  });
});
