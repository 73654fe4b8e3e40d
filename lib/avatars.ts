import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { type Bucket, type CfnBucket, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OBJECT_EVENT_HANDLERS } from '../lambdas/handlers/object-events.js';
import { AVATARS_PREFIX, INCOMING_PREFIX } from '../lambdas/profile/avatar-storage.js';
import { RETENTION } from '../lambdas/store/retention.js';
import type { RouKeyTable } from './data.js';
import { RouKeyFunction } from './function.js';
import { FixedBucketName, privateBucket } from './private-bucket.js';

/**
 * Profile pictures (P17): a private bucket (SSE, public access blocked, TLS only: P22) that browsers upload to through
 * presigned POST forms under `incoming/`; each upload invokes the check (lambdas/handlers/avatar-upload.ts), which
 * moves a passing image under `avatars/` and deletes everything else. Versioned, so a replaced or deleted avatar
 * lingers as a noncurrent version only until it expires; uploads never checked expire too.
 *
 * The bucket has a name fixed at synth so that grants and the notification's permission can name it without
 * referring to the bucket resource: the bucket's notification refers to the check function, so the function (and its
 * policy) must not refer back to the bucket. That also keeps CDK's notification custom resource (and its managed
 * policy) out of the stack.
 */
export class Avatars extends Construct {
  readonly bucket: Bucket;
  readonly bucketName: string;
  private readonly name: FixedBucketName;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.name = new FixedBucketName(this);
    this.bucketName = this.name.value;
    this.bucket = privateBucket(this, 'Bucket', {
      bucketName: this.bucketName,
      versioned: true,
      lifecycleRules: [
        { id: 'deleted-avatars', noncurrentVersionExpiration: Duration.days(RETENTION.deletedAvatarDays), expiredObjectDeleteMarker: true },
        { id: 'unchecked-uploads', prefix: INCOMING_PREFIX, expiration: Duration.days(RETENTION.avatarUploadDays) },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Server access logs would record every uploader's IP address, which RouKey keeps only in security events (P7); the bucket holds nothing but profile pictures, reached through short-lived presigned links that the management API hands out to the signed-in owner.",
    });
  }

  /** Lets the dashboard's origins upload (the browser POSTs the presigned form straight to S3) and show avatars. */
  allowOrigins(dashboardOrigins: readonly string[]): void {
    this.bucket.addCorsRule({
      allowedMethods: [HttpMethods.POST, HttpMethods.GET],
      allowedOrigins: [...dashboardOrigins],
      allowedHeaders: ['*'],
      maxAge: 3600,
    });
  }

  /** The check that runs on each upload, with the environment every RouKey function reads at cold start. */
  checkUploads(props: { accounts: RouKeyTable; environment: Readonly<Record<string, string>> }): RouKeyFunction {
    const fn = new RouKeyFunction(this, 'UploadCheck', {
      handler: 'avatar-upload',
      timeout: Duration.seconds(30),
      environment: { ...props.environment, AVATAR_BUCKET: this.bucketName },
    });
    // Sets the avatar on the PROFILE item; nothing else of the account.
    fn.bindTable(props.accounts, { actions: ['dynamodb:UpdateItem'] });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: [this.name.objects(INCOMING_PREFIX)] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [this.name.objects(AVATARS_PREFIX)] }));
    this.acknowledgePrefixes(fn, [INCOMING_PREFIX, AVATARS_PREFIX]);

    const invoke = new CfnPermission(this, 'UploadCheckInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 's3.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: this.name.arn,
    });
    const bucket = this.bucket.node.defaultChild as CfnBucket;
    bucket.notificationConfiguration = {
      lambdaConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          function: fn.functionArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: OBJECT_EVENT_HANDLERS['avatar-upload'].prefix }] } },
        },
      ],
    };
    // S3 checks that it may invoke the function when the notification is set.
    bucket.addResourceDependency(invoke);
    return fn;
  }

  /** What the profile API's functions may do: view avatars and, for the avatar route, hand out upload forms and delete. */
  grantProfile(fn: RouKeyFunction, access: { upload?: boolean }): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.name.objects(AVATARS_PREFIX)] }));
    if (!access.upload) {
      this.acknowledgePrefixes(fn, [AVATARS_PREFIX]);
      return;
    }
    // A presigned POST acts with the signer's permissions: uploads only under incoming/, deletions only of avatars.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.name.objects(INCOMING_PREFIX)] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [this.name.objects(AVATARS_PREFIX)] }));
    this.acknowledgePrefixes(fn, [INCOMING_PREFIX, AVATARS_PREFIX]);
  }

  /**
   * What the account deletion job needs: list the bucket (every version) and delete any version under the uploads' and
   * avatars' prefixes.
   */
  grantDeletion(fn: RouKeyFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [this.name.arn],
        conditions: { StringLike: { 's3:prefix': [`${INCOMING_PREFIX}*`, `${AVATARS_PREFIX}*`] } },
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.name.objects(INCOMING_PREFIX), this.name.objects(AVATARS_PREFIX)],
      }),
    );
    fn.addEnvironment('AVATAR_BUCKET', this.bucketName);
    this.acknowledgePrefixes(fn, [INCOMING_PREFIX, AVATARS_PREFIX]);
  }

  /** Object keys are random per upload: a prefix of this one bucket is the narrowest grant there is. */
  private acknowledgePrefixes(fn: RouKeyFunction, prefixes: readonly string[]): void {
    Validations.of(fn.role ?? fn).acknowledge(
      ...prefixes.map((prefix) => ({
        id: this.name.objectsFinding(prefix),
        reason: `Avatar object keys are random per upload (${INCOMING_PREFIX}<account>/<id>, ${AVATARS_PREFIX}<account>/<id>), so the grant names the one key prefix of the one avatars bucket the function works on (${prefix}), with only the object actions it calls.`,
      })),
    );
  }
}
