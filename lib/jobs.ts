import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOBS } from '../lambdas/handlers/jobs.js';
import type { TableName } from '../lambdas/store/tables.js';
import type { RouKeyTable } from './data.js';
import { RouKeyFunction } from './function.js';

export interface JobsProps {
  readonly tables: Readonly<Record<TableName, RouKeyTable>>;
}

/**
 * Work that runs off events rather than requests. The usage aggregator reads the activity table's stream in batches,
 * answers partial batch failures (the first record it could not count), has failing batches bisected, and sends what
 * still fails after its retries to a dead-letter queue (the batch's stream position, never its records). Replays are
 * safe: the aggregator's watermark counts each record once (lambdas/usage/usage-aggregator.ts).
 */
export class Jobs extends Construct {
  /** The stream aggregator: its errors and iterator age are what an alarm watches. */
  readonly usageAggregator: RouKeyFunction;
  /** Where batches that kept failing are described (shard and sequence range): a non-empty queue needs a look. */
  readonly usageDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    this.usageDeadLetters = new Queue(this, 'UsageAggregatorFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.usageAggregator = new RouKeyFunction(this, 'UsageAggregator', { handler: 'usage-aggregator', timeout: Duration.minutes(1) });
    // Reads watermarks, writes rollups and watermarks in transactions (their items need UpdateItem); never reads activity items.
    this.usageAggregator.bindTable(props.tables.usage, { actions: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'] });
    // Each transaction checks that the account's profile exists and is not deleted (P20): a condition, never a read.
    this.usageAggregator.bindTable(props.tables.accounts, { actions: ['dynamodb:ConditionCheckItem'] });
    this.usageAggregator.addEventSource(
      new DynamoEventSource(props.tables.activity, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: JOBS['usage-aggregator'].batchSize,
        maxBatchingWindow: Duration.seconds(5),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.usageDeadLetters),
      }),
    );
    Validations.of(this.usageDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the usage aggregator's on-failure destination (a dead-letter queue of the stream's event source mapping, which cdk-nag does not recognise as one); it holds only batch positions, never records.",
    });
    // The function's role is its sibling (lib/function.ts), where the policy is.
    Validations.of(this.usageAggregator.role ?? this.usageAggregator).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "dynamodb:ListStreams, which Lambda's stream event source needs, has no resource-level permissions, so CDK grants it on *; every other action of the role names the activity table's stream, the usage table or (ConditionCheckItem only) the accounts table.",
    });
  }
}
