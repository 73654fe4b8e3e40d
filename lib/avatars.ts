import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { OBJECT_EVENT_HANDLERS } from '../lambdas/handlers/object-events.js';
import { AVATARS_PREFIX, INCOMING_PREFIX } from '../lambdas/profile/avatar-storage.js';
import { RETENTION } from '../lambdas/store/retention.js';
import type { RouKeyTable } from './data.js';
import { RouKeyFunction } from './function.js';

export interface AvatarsProps {
  /** Origins the dashboard uploads from (the browser POSTs the presigned form straight to S3). */
  readonly dashboardOrigins: readonly string[];
}

/**
 * Profile pictures (P17): a private bucket (SSE, public access blocked, TLS only: P22) that browsers upload to through
 * presigned POST forms under `incoming/`; each upload triggers the check (lambdas/handlers/avatar-upload.ts), which
 * moves a passing image under `avatars/` and deletes everything else. Versioned, so a replaced or deleted avatar
 * lingers as a noncurrent version only until it expires; uploads never checked expire too.
 */
export class Avatars extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AvatarsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        { id: 'deleted-avatars', noncurrentVersionExpiration: Duration.days(RETENTION.deletedAvatarDays), expiredObjectDeleteMarker: true },
        { id: 'unchecked-uploads', prefix: INCOMING_PREFIX, expiration: Duration.days(RETENTION.avatarUploadDays) },
        { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      cors:
        props.dashboardOrigins.length > 0
          ? [{ allowedMethods: [HttpMethods.POST, HttpMethods.GET], allowedOrigins: [...props.dashboardOrigins], allowedHeaders: ['*'], maxAge: 3600 }]
          : undefined,
      removalPolicy: RemovalPolicy.RETAIN,
      // The notification resource's handler gets a role scoped to this bucket instead of a managed policy.
      notificationsHandlerRole: new Role(this, 'NotificationsRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }),
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Server access logs would record every uploader's IP address, which RouKey keeps only in security events (P7); the bucket holds nothing but profile pictures, reached through short-lived presigned links that the management API hands out to the signed-in owner.",
    });
  }

  /** The check that runs on each upload, with the environment every RouKey function reads at cold start. */
  checkUploads(props: { accounts: RouKeyTable; environment: Readonly<Record<string, string>> }): RouKeyFunction {
    const fn = new RouKeyFunction(this, 'UploadCheck', {
      handler: 'avatar-upload',
      timeout: Duration.seconds(30),
      environment: { ...props.environment, AVATAR_BUCKET: this.bucket.bucketName },
    });
    // Sets the avatar on the PROFILE item; nothing else of the account.
    fn.bindTable(props.accounts, { actions: ['dynamodb:UpdateItem'] });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: [this.bucket.arnForObjects(`${INCOMING_PREFIX}*`)] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [this.bucket.arnForObjects(`${AVATARS_PREFIX}*`)] }));
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(fn), { prefix: OBJECT_EVENT_HANDLERS['avatar-upload'].prefix });
    return fn;
  }

  /** What the profile API's functions may do: view avatars, hand out upload forms, delete an avatar. */
  grantProfile(fn: RouKeyFunction, access: { upload?: boolean }): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${AVATARS_PREFIX}*`)] }));
    if (!access.upload) return;
    // A presigned POST acts with the signer's permissions: uploads only under incoming/, deletions only of avatars.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${INCOMING_PREFIX}*`)] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [this.bucket.arnForObjects(`${AVATARS_PREFIX}*`)] }));
  }
}
