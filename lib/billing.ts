import { Duration, Validations } from 'aws-cdk-lib';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StripePrices } from '../lambdas/billing/stripe-prices.js';
import type { TableName } from '../lambdas/store/tables.js';
import type { Api } from './api.js';
import type { RouKeyTable } from './data.js';
import { RouKeyFunction } from './function.js';
import { scheduleJob } from './scheduled-job.js';

export interface BillingProps {
  readonly api: Api;
  readonly tables: Readonly<Record<TableName, RouKeyTable>>;
  /** `roukey:stripeSecretName`: the secret `{"secretKey","webhookSecret"}`. */
  readonly stripeSecretName: string;
  /** `roukey:stripePrices`. */
  readonly prices: StripePrices;
  /** Where Checkout and the portal send people back (the dashboard, else the API). */
  readonly returnUrl: string;
}

/**
 * Billing through Stripe, when the operator configured it: the billing routes' access to the ledger and the Stripe
 * secret, and the nightly sync (EventBridge Scheduler → a Lambda; retries with backoff, then a dead-letter queue).
 */
export class Billing extends Construct {
  readonly syncFunction: RouKeyFunction;
  readonly deadLetters: Queue;
  readonly schedule: Schedule;
  private readonly secret: ISecret;
  private readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: BillingProps) {
    super(scope, id);
    const { api, tables } = props;
    const secret = Secret.fromSecretNameV2(this, 'StripeSecret', props.stripeSecretName);
    const environment = {
      STRIPE_SECRET_ID: props.stripeSecretName,
      STRIPE_PRICES: JSON.stringify(props.prices),
      BILLING_RETURN_URL: props.returnUrl,
    };

    this.syncFunction = new RouKeyFunction(this, 'Sync', {
      handler: 'billing-sync',
      // Every account with a customer, a few at a time against Stripe's rate limits.
      timeout: Duration.minutes(15),
      environment: { ...api.environment, ...environment },
    });
    const sync = this.syncFunction;
    sync.bindTable(tables.accounts, { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] });
    sync.bindTable(tables.activity, { actions: ['dynamodb:UpdateItem'] });

    const billing = api.fn('billing');
    const webhook = api.fn('billing-webhook');
    this.secret = secret;
    this.environment = environment;
    for (const fn of [billing, webhook, sync]) {
      fn.bindTable(tables.ledger, 'readWrite');
      this.grantStripe(fn);
    }
    // GET /v1/billing and the sync read this month's usage counters.
    for (const fn of [billing, sync]) fn.bindTable(tables.limits, { actions: ['dynamodb:GetItem'] });

    const job = scheduleJob(this, sync, {
      cron: { minute: '17', hour: '3' },
      description: 'the nightly billing sync: reconciles every account that has a Stripe customer with Stripe',
      ids: { deadLetters: 'SyncDeadLetters', role: 'SchedulerRole', schedule: 'NightlySync' },
    });
    this.deadLetters = job.deadLetters;
    this.schedule = job.schedule;
  }

  /** Lets a function call Stripe: the secret's read and billing's environment. */
  grantStripe(fn: RouKeyFunction): void {
    this.secret.grantRead(fn);
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        'Reading the Stripe secret named by roukey:stripeSecretName: Secrets Manager appends a random six-character suffix to every secret ARN, so a secret known by name is granted as <name>-?????? (that one secret, no other).',
    });
  }
}
