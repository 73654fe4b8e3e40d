import { Arn, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TableName } from '../lambdas/store/tables.js';
import type { RouKeyTable } from './data.js';
import { RouKeyFunction } from './function.js';
import { scheduleJob } from './scheduled-job.js';

export interface NoticesProps {
  readonly tables: Readonly<Record<TableName, RouKeyTable>>;
  /** What every function reads at cold start (lib/api.ts `environment`), for the job. */
  readonly environment: Readonly<Record<string, string>>;
  /** `roukey:sesFromAddress`: a verified SES identity (the address, or its domain). */
  readonly fromAddress: string;
  /** The functions that send notices where they arise (sign-out, email change, billing, the product-update job). */
  readonly senders: readonly RouKeyFunction[];
}

/**
 * RouKey's own emails through SES (lambdas/notices/), when the operator set `roukey:sesFromAddress`: `ses:SendEmail`
 * on that identity only, for the functions that send, and the daily policy-change notices (P25).
 */
export class Notices extends Construct {
  readonly policyNotices: RouKeyFunction;
  readonly deadLetters: Queue;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: NoticesProps) {
    super(scope, id);
    this.policyNotices = new RouKeyFunction(this, 'PolicyNotices', {
      handler: 'policy-notices',
      // Every account, one at a time (within SES's sending rate); a run cut short goes on the next day.
      timeout: Duration.minutes(15),
      environment: { ...props.environment },
    });
    // Lists accounts through the listing index (Query, then BatchGetItem of their profiles), reads a profile for its
    // address and preferences, and puts (or takes back) each NOTICE# mark.
    this.policyNotices.bindTable(
      props.tables.accounts,
      { actions: ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] },
      { indexes: true },
    );
    const identities = sesIdentityArns(this, props.fromAddress);
    for (const fn of [...props.senders, this.policyNotices]) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: identities }));
      fn.addEnvironment('ROUKEY_SES_FROM', props.fromAddress);
    }
    const job = scheduleJob(this, this.policyNotices, {
      cron: { minute: '41', hour: '4' },
      description: 'the daily notices of a privacy policy change, sent once per account and version',
      ids: { deadLetters: 'DeadLetters', role: 'SchedulerRole', schedule: 'Daily' },
    });
    this.deadLetters = job.deadLetters;
    this.schedule = job.schedule;
  }
}

/**
 * What the product-update job (lambdas/handlers/product-update.ts, P21) may do, SES or not: list accounts through the
 * listing index (Query, then BatchGetItem of their profiles), read a profile for its preferences and address, put (or
 * take back) each NOTICE# mark, and read and update the update's item on limits. `ses:SendEmail` comes with Notices,
 * which lists the job among its senders when `roukey:sesFromAddress` is set.
 */
export function grantProductUpdateJob(fn: RouKeyFunction, props: Pick<NoticesProps, 'tables' | 'environment'>): void {
  for (const [name, value] of Object.entries(props.environment)) fn.addEnvironment(name, value);
  fn.bindTable(
    props.tables.accounts,
    { actions: ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] },
    { indexes: true },
  );
  fn.bindTable(props.tables.limits, { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] });
}

/**
 * SES authorises SendEmail against the identity that verified the sender: the address itself, or its domain. Both
 * are named, so either way of verifying works, and no other identity can be sent from.
 */
function sesIdentityArns(scope: Construct, address: string): string[] {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return [address, domain].map((identity) => Arn.format({ service: 'ses', resource: 'identity', resourceName: identity }, Stack.of(scope)));
}
