import { Match, Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../lib/app.js';
import { RETENTION } from '../../lambdas/store/retention.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

// Bundling is irrelevant here: these tests read the bucket, its key and the functions' grants.
const { stack } = createApp(resourcesOnly(CDK_JSON_CONTEXT));
const template = Template.fromStack(stack);
const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const bucketId = idOf(stack.exports.bucket);
const keyId = idOf(stack.exports.key);

/** The statements of the policies on a function's role. */
function statementsOf(fn: { role?: unknown }): Json[] {
  const role = stack.getLogicalId((fn.role as { node: { defaultChild: never } }).node.defaultChild);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
}
const actionsOf = (statements: Json[], prefix: string) => new Set(statements.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith(prefix)));

describe('data exports bucket (P18)', () => {
  const bucket = template.toJSON().Resources[bucketId] as Json;

  it('P18: SSE-KMS with its own customer-managed key (rotation on), no public access, bucket-owner objects, TLS only', () => {
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
    ]);
    template.hasResourceProperties('AWS::KMS::Key', { Description: 'RouKey data exports', EnableKeyRotation: true });
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('P18: files expire after 7 days, and multipart uploads left unfinished after a day', () => {
    expect(RETENTION.exportDays).toBe(7);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'exports/', ExpirationInDays: 7, Status: 'Enabled' }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
      ]),
    );
  });

  it('the export job writes and reads only under exports/, with the key to encrypt, and reads the tables and the audit trail', () => {
    const job = stack.events.jobs['data-export'];
    const statements = statementsOf(job);
    expect(actionsOf(statements, 's3:')).toEqual(new Set(['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject']));
    for (const s of statements.filter((x) => [x.Action].flat().some((a: string) => a.startsWith('s3:'))))
      expect(JSON.stringify(s.Resource)).toContain('/exports/*');
    const kms = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] }));
    expect(new Set(kms.flatMap((s) => [s.Action].flat()))).toEqual(new Set(['kms:GenerateDataKey', 'kms:Decrypt']));
    // Reads every table; changes nothing but its own status items in accounts; never scans.
    const dynamo = actionsOf(statements, 'dynamodb:');
    expect(dynamo.has('dynamodb:Scan')).toBe(false);
    expect(dynamo.has('dynamodb:BatchWriteItem')).toBe(false);
    expect(actionsOf(statements, 'logs:')).toContain('logs:FilterLogEvents');
    const fn = template.toJSON().Resources[stack.getLogicalId(job.node.defaultChild as never)] as Json;
    expect(fn.Properties.Timeout).toBe(15 * 60);
    expect(fn.Properties.MemorySize).toBe(1024);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['EXPORT_BUCKET', 'TABLE_ACCOUNTS', 'TABLE_ACTIVITY', 'TABLE_USAGE', 'TABLE_LIMITS', 'TABLE_LEDGER', 'AUDIT_LOG_GROUP']),
    );
  });

  it('the export API may publish to the bus and sign links to files (GetObject and Decrypt), nothing more of the bucket', () => {
    const fn = stack.api.fn('me-export');
    const statements = statementsOf(fn);
    expect(actionsOf(statements, 's3:')).toEqual(new Set(['s3:GetObject']));
    expect(actionsOf(statements, 'events:')).toEqual(new Set(['events:PutEvents']));
    const kms = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] }));
    expect(new Set(kms.flatMap((s) => [s.Action].flat()))).toEqual(new Set(['kms:Decrypt']));
  });
});
