import { Aws, Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

type Fixed = 'blockPublicAccess' | 'enforceSSL' | 'objectOwnership' | 'removalPolicy';

/**
 * A bucket reached only through RouKey's own grants and presigned links (P22): every public access blocked, objects
 * owned by the bucket's account, TLS only, encrypted (S3-managed unless `props` says otherwise), multipart uploads
 * left unfinished aborted after a day, and kept when the stack is destroyed: emptying it would take CDK's auto-delete
 * helper, a Lambda with an AWS-managed policy.
 */
export function privateBucket(scope: Construct, id: string, props: Omit<BucketProps, Fixed> = {}): Bucket {
  return new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    ...props,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [...(props.lifecycleRules ?? []), { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * A bucket name fixed at synth (unique in the account and region), so grants and notifications can name the bucket
 * without a reference to its resource.
 */
export class FixedBucketName {
  readonly value: string;
  readonly arn: string;
  private readonly prefix: string;

  constructor(scope: Construct) {
    this.prefix = Names.uniqueId(scope).toLowerCase();
    this.value = `${this.prefix}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    this.arn = `arn:${Aws.PARTITION}:s3:::${this.value}`;
  }

  /** Every object under a key prefix: the narrowest grant when keys are made per request. */
  objects(keyPrefix: string): string {
    return `${this.arn}/${keyPrefix}*`;
  }

  /** cdk-nag's id for a wildcard finding on `objects(keyPrefix)`, to acknowledge it. */
  objectsFinding(keyPrefix: string): string {
    return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${this.prefix}-<AWS::AccountId>-<AWS::Region>/${keyPrefix}*]`;
  }
}
