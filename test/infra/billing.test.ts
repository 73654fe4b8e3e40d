import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../../lib/app.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

const PRICES = { starter: { month: 'price_starterMonth' }, professional: { month: 'price_proMonth', year: 'price_proYear' } };
const withBilling = createApp(
  resourcesOnly({ ...CDK_JSON_CONTEXT, 'roukey:stripeSecretName': 'roukey/stripe', 'roukey:stripePrices': JSON.stringify(PRICES) }),
);
const template = Template.fromStack(withBilling.stack);
const withoutBilling = Template.fromStack(createApp(resourcesOnly(CDK_JSON_CONTEXT)).stack);

function resourceId(template: Template, type: string, props: Json): string {
  const [id] = Object.keys(template.findResources(type, { Properties: props }));
  if (!id) throw new Error(`no ${type}`);
  return id;
}

describe('billing in the stack', () => {
  it('P13: the webhook reaches its Lambda through a plain proxy integration, so the body arrives byte for byte as Stripe signed it', () => {
    const resource = resourceId(template, 'AWS::ApiGateway::Resource', { PathPart: 'webhook' });
    const methods = template.findResources('AWS::ApiGateway::Method', { Properties: { ResourceId: { Ref: resource }, HttpMethod: 'POST' } });
    const [method] = Object.values(methods) as Json[];
    expect(method?.Properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' } });
    // No mapping template, no content conversion: API Gateway hands the proxy event the body unchanged.
    expect(method?.Properties.Integration.RequestTemplates).toBeUndefined();
    expect(method?.Properties.Integration.ContentHandling).toBeUndefined();
    expect(method?.Properties.RequestModels).toBeUndefined();
    // No binary media types: a JSON body is passed as text, never base64-converted.
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: Match.absent() });
  });

  it('the nightly sync: EventBridge Scheduler with retries and a dead-letter queue, the Lambda retried and dead-lettered too', () => {
    // The billing construct's own queue (the usage aggregator has one too).
    const queue = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { SqsManagedSseEnabled: true } })).find((id) => id.startsWith('Billing'));
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(17 3 * * ? *)',
      Target: {
        Input: JSON.stringify({ runDate: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 21_600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    withoutBilling.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('the billing functions get the Stripe secret by name and the prices from roukey:stripePrices', () => {
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { STRIPE_SECRET_ID: 'roukey/stripe', STRIPE_PRICES: JSON.stringify(PRICES) } } },
    });
    // The billing routes, the webhook, the sync, and the account deletion job (it cancels the subscription, deletes the customer).
    expect(Object.keys(fns)).toHaveLength(4);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/sk_(live|test)_/);
  });

  it('roukey:stripePrices is validated at synth: Enterprise is not sold, prices are price ids', () => {
    const bad = (prices: unknown) => () => createApp(resourcesOnly({ 'roukey:stripePrices': JSON.stringify(prices) }));
    expect(bad({ enterprise: { month: 'price_x' } })).toThrow(/roukey:stripePrices/);
    expect(bad({ starter: { month: 'not-a-price' } })).toThrow(/roukey:stripePrices\.starter\.month: must be a Stripe price id/);
  });

  it('with billing on the stack still has zero unacknowledged cdk-nag findings', () => {
    const report = new AwsSolutionsChecks(withBilling.app, { verbose: true }).validateScope(withBilling.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });
});
