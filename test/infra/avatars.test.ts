import { Match, Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../lib/app.js';
import { RETENTION } from '../../lambdas/store/retention.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

// Bundling is irrelevant here: these tests read the bucket, its notification and the functions' grants.
const { stack } = createApp(resourcesOnly(CDK_JSON_CONTEXT));
const template = Template.fromStack(stack);
const bucketId = stack.getLogicalId(stack.avatars.bucket.node.defaultChild as never);

/** The statements of the policies on the role of the function whose logical id is `<name><8 hex>`. */
function statementsOf(name: string): Json[] {
  const fn = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => new RegExp(`^${name}[0-9A-F]{8}$`).test(id));
  if (!fn) throw new Error(`no function ${name}`);
  const role = (fn[1].Properties.Role as Json)['Fn::GetAtt'][0] as string;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
}
const actionsOf = (statements: Json[]) => statements.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('s3:'));

describe('avatars bucket (P17, P22)', () => {
  it('P22: encrypted, no public access, bucket-owner objects, and a policy denying every request without TLS', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('P17: replaced and deleted avatars expire as noncurrent versions; unchecked uploads expire', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId]!.Properties as Json;
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: RETENTION.deletedAvatarDays },
          ExpiredObjectDeleteMarker: true,
        }),
        expect.objectContaining({ Status: 'Enabled', Prefix: 'incoming/', ExpirationInDays: RETENTION.avatarUploadDays }),
      ]),
    );
  });

  it('P17: new objects under incoming/ invoke the upload check, which may touch only incoming/ and avatars/', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId]!;
    expect(bucket.Properties.NotificationConfiguration.LambdaConfigurations).toEqual([
      { Event: 's3:ObjectCreated:*', Function: expect.anything(), Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } } },
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceAccount: Match.anyValue(),
      SourceArn: Match.anyValue(),
    });
    expect(bucket.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^AvatarsUploadCheckInvoke/)]));
    // No custom resource (and no managed policy of one) sets the notification.
    expect(template.findResources('Custom::S3BucketNotifications')).toEqual({});
    const check = statementsOf('AvatarsUploadCheck');
    expect(actionsOf(check).sort()).toEqual(['s3:DeleteObject', 's3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    const resources = JSON.stringify(check.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:'))).map((s) => s.Resource));
    expect(resources).toContain('/incoming/*');
    expect(resources).toContain('/avatars/*');
    expect(resources).not.toMatch(/"\*"/);
  });

  it('the profile functions: only the avatar route may upload (incoming/) or delete (avatars/); the others only view', () => {
    expect(actionsOf(statementsOf('ApiMeAvatar')).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    for (const fn of ['ApiMe', 'ApiMeConsent', 'ApiMeEmail']) expect(actionsOf(statementsOf(fn))).toEqual(['s3:GetObject']);
    expect(actionsOf(statementsOf('ApiApiKeys'))).toEqual([]);
  });

  it('P8: only the security-events function may read the pool’s auth events', () => {
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('cognito-idp:AdminListUserAuthEvents'),
    );
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]!.Properties.Roles)).toContain('SecurityEvents');
  });

  it('P24: the pool has the sign-up form’s two custom attributes, immutable', () => {
    const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0]!.Properties as Json;
    expect(pool.Schema).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'over13', AttributeDataType: 'String', Mutable: false }),
        expect.objectContaining({ Name: 'policy_version', AttributeDataType: 'String', Mutable: false }),
      ]),
    );
  });
});
