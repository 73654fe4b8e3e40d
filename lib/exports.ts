import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { type Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPORTS_PREFIX } from '../lambdas/export/ports.js';
import { RETENTION } from '../lambdas/store/retention.js';
import { TABLE_NAMES, type TableName } from '../lambdas/store/tables.js';
import type { RouKeyTable } from './data.js';
import type { RouKeyFunction } from './function.js';
import { FixedBucketName, privateBucket } from './private-bucket.js';

/**
 * Data exports (P18): a private bucket encrypted with a customer-managed key of its own (rotated yearly), TLS only,
 * public access blocked, objects owned by the bucket's account. Each export is one object under
 * `exports/<accountId>/`, fetched through a presigned link and deleted by the lifecycle after RETENTION.exportDays;
 * multipart uploads a job left unfinished are aborted after a day.
 */
export class Exports extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;
  readonly bucketName: string;
  private readonly name: FixedBucketName;
  private job?: RouKeyFunction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Fixed at synth, so grants name the one prefix without a token (and cdk-nag's findings can be named).
    this.name = new FixedBucketName(this);
    this.bucketName = this.name.value;
    this.key = new Key(this, 'Key', { description: 'RouKey data exports', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    this.bucket = privateBucket(this, 'Bucket', {
      bucketName: this.bucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket and period instead of a KMS call per part.
      bucketKeyEnabled: true,
      lifecycleRules: [{ id: 'exports', prefix: EXPORTS_PREFIX, expiration: Duration.days(RETENTION.exportDays) }],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Server access logs would record every downloader's IP address, which RouKey keeps only in security events (P7); the bucket holds nothing but each account's own exports for a week, reached through 15-minute presigned links that the management API hands out to the signed-in owner.",
    });
  }

  /** Lets the export API hand out download links: a presigned GET acts with the signer's permissions. */
  grantLinks(fn: RouKeyFunction): void {
    fn.addEnvironment('EXPORT_BUCKET', this.bucketName);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.name.objects(EXPORTS_PREFIX)] }));
    this.key.grant(fn, 'kms:Decrypt');
    this.acknowledgePrefix(fn);
  }

  /** The export job: reads the account in every table, writes its file (a multipart upload) and its status items. */
  grantJob(fn: RouKeyFunction, props: { tables: Readonly<Record<TableName, RouKeyTable>>; environment: Readonly<Record<string, string>> }): void {
    this.job = fn;
    for (const [name, value] of Object.entries(props.environment)) fn.addEnvironment(name, value);
    fn.addEnvironment('EXPORT_BUCKET', this.bucketName);
    for (const table of TABLE_NAMES) {
      const status = table === 'accounts' ? (['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const) : [];
      fn.bindTable(props.tables[table], { actions: ['dynamodb:Query', ...status] });
    }
    // HeadObject (the file's size) is allowed by s3:GetObject.
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'], resources: [this.name.objects(EXPORTS_PREFIX)] }),
    );
    // Multipart uploads to an SSE-KMS bucket need Decrypt as well as GenerateDataKey.
    this.key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.acknowledgePrefix(fn);
  }

  /** The account deletion job (lib/deletion.ts): lists and deletes every version of an account's export files. */
  grantDeletion(fn: RouKeyFunction): void {
    fn.addEnvironment('EXPORT_BUCKET', this.bucketName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [this.name.arn],
        conditions: { StringLike: { 's3:prefix': [`${EXPORTS_PREFIX}*`] } },
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'], resources: [this.name.objects(EXPORTS_PREFIX)] }));
    this.acknowledgePrefix(fn);
  }

  /** Lets the export job read the account's lines of the audit trail (lib/observability.ts keeps it). */
  includeAuditTrail(logGroup: ILogGroup): void {
    if (!this.job) throw new Error('Exports.grantJob first');
    this.job.addEnvironment('AUDIT_LOG_GROUP', logGroup.logGroupName);
    this.job.addToRolePolicy(new PolicyStatement({ actions: ['logs:FilterLogEvents'], resources: [logGroup.logGroupArn] }));
  }

  /** Object keys are per account and export: the one prefix of the one bucket is the narrowest grant there is. */
  private acknowledgePrefix(fn: RouKeyFunction): void {
    Validations.of(fn.role ?? fn).acknowledge({
      id: this.name.objectsFinding(EXPORTS_PREFIX),
      reason: `Export object keys are ${EXPORTS_PREFIX}<account>/<export id>.json.gz, made per request, so the grant names the one key prefix of the one exports bucket, with only the object actions the function calls.`,
    });
  }
}
