import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { HANDLERS, ROUTES, type HandlerName } from '../../lambdas/handlers/routes.js';
import { createApp } from '../../lib/app.js';
import { Observability } from '../../lib/observability.js';
import { RouKeyStack } from '../../lib/roukey-stack.js';
import { parseStackConfig } from '../../lib/stack-config.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

const { stack } = createApp(resourcesOnly({ ...CDK_JSON_CONTEXT, 'roukey:alarmEmail': 'ops@example.com' }));
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Json>;
const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

/** An Observability construct without an aggregator, beside the stack's own; its resources are under `Standalone`. */
function withoutAggregator() {
  const s = new RouKeyStack(new App(resourcesOnly(CDK_JSON_CONTEXT)), 'RouKey');
  new Observability(new Construct(s, 'Standalone'), 'Obs', { api: s.api, tables: s.data.tables });
  const own = Object.entries(Template.fromStack(s).toJSON().Resources as Record<string, Json>).filter(([id]) => id.startsWith('Standalone'));
  return own.map(([, r]) => r);
}

describe('observability: dashboard, alarms, audit trail, saved queries', () => {
  it('the audit trail has its own log group, kept one year (365 days), retained when the stack goes', () => {
    const audit = stack.observability.auditLogs.node.defaultChild as { logicalId?: string };
    const group = resources[stack.getLogicalId(audit as never)];
    expect(group?.Properties.RetentionInDays).toBe(365);
    expect(group?.DeletionPolicy).toBe('Retain');
  });

  it('every management function (and only those) may write to it and is told its name', () => {
    const management = new Set(ROUTES.filter((r) => r.auth === 'cognito').map((r) => r.handler));
    for (const [name, fn] of Object.entries(stack.api.functions) as [HandlerName, { node: { defaultChild: unknown } }][]) {
      const props = resources[stack.getLogicalId(fn.node.defaultChild as never)]?.Properties;
      const env = props?.Environment?.Variables ?? {};
      expect([name, env.AUDIT_LOG_GROUP !== undefined]).toEqual([name, management.has(name)]);
    }
    const auditId = stack.getLogicalId(stack.observability.auditLogs.node.defaultChild as never);
    const statements = ofType('AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((st) => JSON.stringify(st.Resource).includes(auditId));
    expect(statements.length).toBeGreaterThan(0);
    // Writers append; the one reader is the export job, which reads an account's lines back for its export (P18).
    const reads = statements.filter((st) => st.Action === 'logs:FilterLogEvents');
    expect(reads).toHaveLength(1);
    for (const st of statements.filter((s) => !reads.includes(s))) expect(st.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('alarms go to an SNS topic that roukey:alarmEmail subscribes to; the topic refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const topic = stack.getLogicalId(stack.observability.alarmTopic.node.defaultChild as never);
    const alarms = ofType('AWS::CloudWatch::Alarm');
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    const { stack: quiet } = createApp(resourcesOnly(CDK_JSON_CONTEXT));
    expect(Template.fromStack(quiet).findResources('AWS::SNS::Subscription')).toEqual({});
  });

  it('alarms: router 5xx rate, p99 latency, DynamoDB and router throttles, and each function’s errors', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map((a) => a.Properties);
    const fiveXx = alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes('Errors.upstream_error'));
    expect(JSON.stringify(fiveXx?.Metrics)).toMatch(/Errors\.internal.*Errors\.upstream_error.*Errors\.upstream_timeout/);
    expect(fiveXx?.Threshold).toBe(5);
    expect(alarms.find((a) => a.MetricName === 'Latency')).toMatchObject({ ExtendedStatistic: 'p99', Namespace: 'RouKey', Threshold: 120_000 });
    expect(alarms.filter((a) => JSON.stringify(a.Metrics ?? []).includes('WriteThrottleEvents'))).toHaveLength(1);
    expect(alarms.filter((a) => JSON.stringify(a.Metrics ?? []).includes('"Throttles"'))).toHaveLength(1);
    const errorAlarms = alarms.filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda');
    expect(errorAlarms).toHaveLength(Object.keys(stack.api.functions).length + Object.keys(stack.events.jobs).length);
    // Every metric the router alarms read is a total (`service` alone): never an account, key or model dimension.
    for (const a of alarms.filter((x) => JSON.stringify(x).includes('"RouKey"'))) expect(JSON.stringify(a)).not.toMatch(/account|apiKey|model/i);
  });

  it("the stack's usage aggregator has its iterator age and dead-letter alarms and graphs; without one, none", () => {
    const aggregator = { Ref: stack.getLogicalId(stack.jobs.usageAggregator.node.defaultChild as never) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Threshold: 300_000,
      Dimensions: [{ Name: 'FunctionName', Value: aggregator }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 1 });
    expect(JSON.stringify(template.toJSON())).toContain('Aggregator: iterator age');
    const standalone = withoutAggregator();
    expect(standalone.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length).toBeGreaterThan(0);
    expect(JSON.stringify(standalone)).not.toMatch(/IteratorAge|Aggregator: iterator age/);
  });

  it("the jobs' dead-letter queue has an alarm, and so does each job function's errors", () => {
    const queue = stack.getLogicalId(stack.events.deadLetters.node.defaultChild as never);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Threshold: 1,
    });
    for (const fn of Object.values<{ node: { defaultChild?: unknown } }>(stack.events.jobs)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: stack.getLogicalId(fn.node.defaultChild as never) } }],
      });
    }
  });

  it('the dashboard shows traffic, latency percentiles, errors, fallbacks, limits, tokens, Lambda and DynamoDB', () => {
    const [dashboard] = ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const title of [
      'Traffic',
      'Latency and time to first token',
      'Errors by class',
      'Fallbacks and refusals by limit',
      'Tokens',
      'duration p99',
      'DynamoDB throttles',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of ['ConcurrentExecutions', 'Duration', 'p99', 'TimeToFirstToken', 'Refused.', 'Errors.']) expect(body).toContain(metric);
    const routers = (Object.keys(stack.api.functions) as HandlerName[]).filter((n) => HANDLERS[n].streaming);
    expect(routers.length).toBeGreaterThan(0);
  });

  it('saved Logs Insights queries for the audit questions, and failed sign-ins on the access logs', () => {
    const queries = ofType('AWS::Logs::QueryDefinition').map((q) => q.Properties);
    expect(queries.map((q) => q.Name).sort()).toEqual([
      'RouKey/API and provider key creation and deletion',
      'RouKey/Admin actions',
      'RouKey/Deletions and exports',
      'RouKey/Failed sign-ins (rejected tokens and API keys)',
      'RouKey/Management changes',
      'RouKey/Security events (refused management calls)',
    ]);
    const audit = { Ref: stack.getLogicalId(stack.observability.auditLogs.node.defaultChild as never) };
    const access = { Ref: stack.getLogicalId(stack.api.accessLogs.node.defaultChild as never) };
    for (const q of queries) expect(q.LogGroupNames).toEqual([q.Name.includes('Failed sign-ins') ? access : audit]);
    expect(queries.find((q) => q.Name === 'RouKey/Admin actions')?.QueryString).toContain('filter admin = 1');
  });

  it('roukey:alarmEmail is validated at synth', () => {
    const config = (value: unknown) => parseStackConfig((key) => (key === 'roukey:alarmEmail' ? value : undefined));
    expect(() => config('ops')).toThrow(/roukey:alarmEmail: must be an email address/);
    expect(config('ops@example.com').alarmEmail).toBe('ops@example.com');
    expect(config(undefined).alarmEmail).toBeUndefined();
  });
});
