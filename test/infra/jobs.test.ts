import type { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../lib/app.js';
import type { RouKeyFunction } from '../../lib/function.js';
import { JOBS } from '../../lambdas/handlers/jobs.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;
const { stack } = createApp(resourcesOnly(CDK_JSON_CONTEXT));
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Json>;
const logicalId = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnResource);

describe('usage aggregator on the activity stream', () => {
  it('reads the activity stream in batches, bisects failing ones, reports partial failures, and sends what still fails to its queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.jobs.usageAggregator) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.data.tables.activity), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: JOBS['usage-aggregator'].batchSize,
      MaximumBatchingWindowInSeconds: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack.jobs.usageDeadLetters), 'Arn'] } } },
    });
  });

  it('the dead-letter queue is encrypted and TLS-only', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('may read the stream, update the usage table and only check account profiles: no scan, no delete, no activity or account item read', () => {
    const role = logicalId(stack.jobs.usageAggregator.role as never);
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === role))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const dynamoActions = (s: { Action: string | string[] }) => [s.Action].flat().filter((a) => a.startsWith('dynamodb:'));
    const actions = statements.flatMap(dynamoActions);
    expect(new Set(actions)).toEqual(
      new Set([
        'dynamodb:BatchGetItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:ListStreams',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
      ]),
    );
    // P20: the profile check of each rollup transaction is the one thing it may do on the accounts table.
    const accountsArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.data.tables.accounts), 'Arn'] });
    const onAccounts = statements.filter((s) => JSON.stringify(s.Resource).includes(accountsArn)).flatMap(dynamoActions);
    expect(onAccounts).toEqual(['dynamodb:ConditionCheckItem']);
    const variables = resources[logicalId(stack.jobs.usageAggregator)]?.Properties.Environment.Variables;
    expect(variables?.TABLE_USAGE).toEqual({ Ref: logicalId(stack.data.tables.usage) });
    expect(variables?.TABLE_ACCOUNTS).toEqual({ Ref: logicalId(stack.data.tables.accounts) });
  });
});

describe("RouKey's event bus", () => {
  it('is its own bus (not the account default), with an encrypted, TLS-only dead-letter queue for its jobs', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const queue = resources[logicalId(stack.events.deadLetters)];
    expect(queue?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
  });

  it('routes each job event type to its job function, retrying twice before the dead-letter queue', () => {
    for (const fn of Object.values<RouKeyFunction>(stack.events.jobs)) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalId(stack.events.bus) },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(fn), 'Arn'] }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }) })],
      });
    }
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(Object.keys(stack.events.jobs).length);
  });
});

describe('the account deletion job (P20)', () => {
  const fn = stack.events.jobs['account-deletion'];
  const role = logicalId(fn.role as never);
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
  const actionsOn = (resource: unknown) =>
    statements
      .filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(resource)))
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
  const tableArn = (t: keyof typeof stack.data.tables) => ({ 'Fn::GetAtt': [logicalId(stack.data.tables[t]), 'Arn'] });

  it('P20: deletes page by page (Query, BatchWriteItem) and scans only the ledger, whose items it moves rather than deletes one by one', () => {
    for (const t of ['accounts', 'activity', 'usage'] as const) expect(actionsOn(tableArn(t))).not.toContain('dynamodb:Scan');
    expect(actionsOn(tableArn('activity')).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query']);
    expect(actionsOn(tableArn('usage')).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query']);
    expect(actionsOn(tableArn('ledger'))).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem']));
    for (const t of ['accounts', 'activity', 'usage', 'limits', 'ledger'] as const) expect(actionsOn(tableArn(t))).not.toContain('dynamodb:DeleteTable');
  });

  it('P20: deletes the Cognito user, avatar and export objects of every version, and may hand over to its next run on the bus', () => {
    const all = statements.flatMap((s) => [s.Action].flat());
    expect(all).toEqual(
      expect.arrayContaining(['cognito-idp:AdminDeleteUser', 's3:ListBucketVersions', 's3:DeleteObjectVersion', 's3:DeleteObject', 'events:PutEvents']),
    );
    const listings = statements.filter((s) => [s.Action].flat().includes('s3:ListBucketVersions')).map((s) => s.Condition);
    expect(listings).toEqual([{ StringLike: { 's3:prefix': ['incoming/*', 'avatars/*'] } }, { StringLike: { 's3:prefix': ['exports/*'] } }]);
    const variables = resources[logicalId(fn)]?.Properties.Environment.Variables;
    expect(variables).toMatchObject({
      EVENT_BUS_NAME: { Ref: logicalId(stack.events.bus) },
      COGNITO_USER_POOL_ID: expect.anything(),
      AVATAR_BUCKET: expect.anything(),
      EXPORT_BUCKET: expect.anything(),
    });
    expect(resources[logicalId(fn)]?.Properties.Timeout).toBe(15 * 60);
  });
});
