import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, type CronOptionsWithTimezone } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RouKeyFunction } from './function.js';

/** A scheduled job's parts, with the construct ids they are created under in `scope` (stable ids keep deployed resources). */
export interface ScheduledJobOptions {
  readonly cron: CronOptionsWithTimezone;
  /** What the schedule does, for the console. */
  readonly description: string;
  readonly ids: { readonly deadLetters: string; readonly role: string; readonly schedule: string };
}

/**
 * Runs `fn` on a schedule of EventBridge Scheduler, handing it `{ runDate }` (the scheduled time, so a retried run is
 * the same run). Scheduler invokes asynchronously: Lambda retries a failed run with backoff, and what still fails
 * lands in a dead-letter queue for the operator (jobs are idempotent, so a retry redoes nothing already done).
 */
export function scheduleJob(scope: Construct, fn: RouKeyFunction, options: ScheduledJobOptions): { deadLetters: Queue; schedule: Schedule } {
  const deadLetters = new Queue(scope, options.ids.deadLetters, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetters).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of a scheduled job (${options.description}): what lands here is looked at by the operator, not retried again.`,
  });
  fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(deadLetters) });
  const schedulerRole = new Role(scope, options.ids.role, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    description: `RouKey: EventBridge Scheduler invoking ${options.description}`,
  });
  const schedule = new Schedule(scope, options.ids.schedule, {
    description: `RouKey: ${options.description}`,
    schedule: ScheduleExpression.cron(options.cron),
    target: new LambdaInvoke(fn, {
      role: schedulerRole,
      input: ScheduleTargetInput.fromObject({ runDate: ContextAttribute.scheduledTime }),
      retryAttempts: 5,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: deadLetters,
    }),
  });
  // The target grants at synth, so the finding is acknowledged by its exact resource (the function's versions).
  const fnArn = `<${Stack.of(scope).getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*`;
  Validations.of(schedulerRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${fnArn}]`,
    reason:
      'Invoking the scheduled function: lambda:InvokeFunction is granted on the function and on <function ARN>:* (its versions and aliases, as CDK grants invoke), on that one function only.',
  });
  return { deadLetters, schedule };
}
