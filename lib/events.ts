import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../lambdas/events/roukey-events.js';
import { EVENT_JOBS, type EventJob, type EventJobName } from '../lambdas/handlers/event-jobs.js';
import { RouKeyFunction } from './function.js';

/** Lambda retries an asynchronous invocation that failed twice, then gives the event to the dead-letter queue. */
const RETRY_ATTEMPTS = 2;

/**
 * RouKey's own EventBridge bus and the jobs its events start (lambdas/handlers/event-jobs.ts): one function per
 * job, one rule per event type. Events that still fail after their retries land in a dead-letter queue; they hold
 * ids only (lambdas/events/roukey-events.ts), and every job is idempotent, so sending one back is safe.
 */
export class Events extends Construct {
  readonly bus: EventBus;
  readonly deadLetters: Queue;
  /** Each job's function, for the grants its work needs (given where that work's resources are created). */
  readonly jobs: Readonly<Record<EventJobName, RouKeyFunction>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: "RouKey's jobs (exports, deletions, product updates)" });
    this.deadLetters = new Queue(this, 'JobFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the dead-letter queue of the bus's job rules; it holds events with ids only, never a person's data.",
    });
    const specs: Readonly<Record<string, EventJob>> = EVENT_JOBS;
    const jobs: Record<string, RouKeyFunction> = {};
    for (const [name, job] of Object.entries(specs)) {
      const fn = new RouKeyFunction(this, name, { handler: name as EventJobName, timeout: Duration.minutes(job.timeoutMinutes), memorySize: job.memoryMiB });
      new Rule(this, `${name}Rule`, {
        eventBus: this.bus,
        eventPattern: { source: [EVENT_SOURCE], detailType: [job.on] },
        targets: [new LambdaFunction(fn, { deadLetterQueue: this.deadLetters, retryAttempts: RETRY_ATTEMPTS, maxEventAge: Duration.hours(6) })],
      });
      jobs[name] = fn;
    }
    this.jobs = jobs as Record<EventJobName, RouKeyFunction>;
  }

  /** Lets a function publish RouKey's events (lambdas/events/event-publisher.ts reads EVENT_BUS_NAME). */
  grantPublish(fn: RouKeyFunction): void {
    this.bus.grantPutEventsTo(fn);
    fn.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
  }
}
