import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../../lib/app.js';
import { readStackConfig } from '../../lib/stack-config.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

const FROM = 'notices@mail.example.com';
const withNotices = createApp(resourcesOnly({ ...CDK_JSON_CONTEXT, 'roukey:sesFromAddress': FROM, 'roukey:stripeSecretName': 'roukey/stripe' }));
const { stack } = withNotices;
const template = Template.fromStack(stack);
const withoutNotices = Template.fromStack(createApp(resourcesOnly(CDK_JSON_CONTEXT)).stack);

const logicalId = (construct: { node: { defaultChild?: unknown } } | object) =>
  stack.getLogicalId(((construct as { node: { defaultChild?: unknown } }).node.defaultChild ?? construct) as never);

/** The roles whose policies allow ses:SendEmail, with the resources each names. */
function sesGrants(t: Template): Map<string, unknown[]> {
  const grants = new Map<string, unknown[]>();
  for (const policy of Object.values(t.findResources('AWS::IAM::Policy')) as Json[]) {
    for (const statement of policy.Properties.PolicyDocument.Statement as Json[]) {
      const actions = [statement.Action].flat();
      if (!actions.includes('ses:SendEmail')) continue;
      for (const role of policy.Properties.Roles as Json[]) grants.set(role.Ref, [statement.Resource].flat());
    }
  }
  return grants;
}

describe('notices in the stack (roukey:sesFromAddress)', () => {
  it('grants ses:SendEmail on the sender identity (its address or its domain) to exactly the functions that send', () => {
    const senders = [
      stack.api.fn('sign-out'),
      stack.api.fn('me-email'),
      stack.api.fn('billing-webhook'),
      stack.billing?.syncFunction,
      stack.notices?.policyNotices,
      stack.events.jobs['product-update'],
    ].map((fn) => {
      if (!fn?.role) throw new Error('missing sender');
      return logicalId(fn.role);
    });
    const grants = sesGrants(template);
    expect([...grants.keys()].sort()).toEqual(senders.sort());
    for (const resources of grants.values()) {
      const text = JSON.stringify(resources);
      expect(resources).toHaveLength(2);
      expect(text).toContain(`:identity/${FROM}`);
      expect(text).toContain(':identity/mail.example.com"');
      expect(text).not.toContain('*');
    }
    const withAddress = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ROUKEY_SES_FROM: FROM } } } }));
    expect(withAddress).toHaveLength(senders.length);
  });

  it('P25: the policy-change notices run daily through EventBridge Scheduler, retried and dead-lettered', () => {
    const job = logicalId(stack.notices?.policyNotices ?? {});
    const queue = logicalId(stack.notices?.deadLetters ?? {});
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(41 4 * * ? *)',
      Target: {
        Arn: { 'Fn::GetAtt': [job, 'Arn'] },
        Input: JSON.stringify({ runDate: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 21_600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ ROUKEY_SES_FROM: FROM }) },
    });
  });

  it('P21: the product-update job may list accounts, read profiles, put and take back NOTICE# marks and keep the update on limits, nothing more', () => {
    const fn = stack.events.jobs['product-update'];
    const role = logicalId(fn.role ?? {});
    const statements = (Object.values(template.findResources('AWS::IAM::Policy')) as Json[])
      .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
    const tableArn = (t: keyof typeof stack.data.tables) => JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.data.tables[t]), 'Arn'] });
    const actionsOn = (t: keyof typeof stack.data.tables) =>
      [...new Set(statements.filter((s) => JSON.stringify(s.Resource).includes(tableArn(t))).flatMap((s) => [s.Action].flat()))].sort();
    expect(actionsOn('accounts')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(actionsOn('limits')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    for (const t of ['activity', 'usage', 'ledger'] as const) expect(actionsOn(t)).toEqual([]);
    // Besides the tables (and their key): its own log group, and SES.
    const others = statements.flatMap((s) => [s.Action].flat()).filter((a: string) => !a.startsWith('dynamodb:') && !a.startsWith('kms:'));
    expect(others.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'ses:SendEmail']);
  });

  it('without the key: no SES grant, no address, no policy-notices job (each notice is logged as skipped)', () => {
    expect(sesGrants(withoutNotices).size).toBe(0);
    expect(JSON.stringify(withoutNotices.toJSON())).not.toContain('ROUKEY_SES_FROM');
    withoutNotices.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('is validated at synth, naming the key', () => {
    const config = (context: Record<string, unknown>) => readStackConfig(new Stack(new App({ context }), 'S'));
    expect(config({ 'roukey:sesFromAddress': FROM }).sesFromAddress).toBe(FROM);
    expect(() => config({ 'roukey:sesFromAddress': 'notices' })).toThrow(/roukey:sesFromAddress: must be an email address/);
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    const report = new AwsSolutionsChecks(withNotices.app, { verbose: true }).validateScope(withNotices.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });
});
