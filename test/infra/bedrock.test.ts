import { App, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../../lib/app.js';
import { readStackConfig } from '../../lib/stack-config.js';
import type { RouKeyStack } from '../../lib/roukey-stack.js';
import type { HandlerName } from '../../lambdas/handlers/routes.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

// IAM is what matters here; bundling is tested in stack.test.ts.

type Statement = { Action: string | string[]; Resource: unknown };

/** The IAM statements attached to one function's role, resolved as in the template. */
function statementsOf(stack: RouKeyStack, template: Template, handler: HandlerName): Statement[] {
  const roleId = stack.getLogicalId(stack.api.fn(handler).role!.node.defaultChild as CfnElement);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actions = (s: Statement) => [s.Action].flat();

describe('Bedrock access (context roukey:enableBedrock)', () => {
  it('without the flag no function may call Bedrock', () => {
    const { stack } = createApp(resourcesOnly(CDK_JSON_CONTEXT));
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toMatch(/"bedrock:/);
  });

  it('with the flag the router may invoke foundation models and inference profiles of its region, and nothing more', () => {
    const { stack } = createApp(resourcesOnly({ ...CDK_JSON_CONTEXT, 'roukey:enableBedrock': 'true' }));
    const template = Template.fromStack(stack);
    const bedrock = statementsOf(stack, template, 'chat-completions').filter((s) => actions(s).some((a) => a.startsWith('bedrock:')));
    expect(bedrock).toHaveLength(1);
    expect(actions(bedrock[0]!).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    // In any order: @aws-cdk/aws-iam:minimizePolicies sorts a statement's resources.
    const resources = [
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, '::foundation-model/*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':inference-profile/*']] },
    ];
    expect(stack.resolve(bedrock[0]!.Resource)).toEqual(expect.arrayContaining(resources));
    expect(stack.resolve(bedrock[0]!.Resource)).toHaveLength(resources.length);
    for (const other of ['models', 'provider-keys', 'api-keys', 'auth-config'] as const) {
      expect(JSON.stringify(statementsOf(stack, template, other))).not.toMatch(/"bedrock:/);
    }
  });

  it('with the flag cdk-nag stays clean, the wildcard acknowledged with a specific reason', () => {
    const { app, stack } = createApp(resourcesOnly({ ...CDK_JSON_CONTEXT, 'roukey:enableBedrock': true }));
    app.synth();
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
    const acks = stack.api
      .fn('chat-completions')
      .role!.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.map(([id]) => id.replace(/^.*?(AwsSolutions-IAM5)/, '$1')).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/*]',
    ]);
    for (const [, reason] of acks) expect(reason).toMatch(/chosen per request.*this region/);
  });

  it('reads the flag from cdk -c strings and rejects anything but true/false, naming the key', () => {
    const config = (value: unknown) => readStackConfig(new Stack(new App({ context: { 'roukey:enableBedrock': value } }), 'S'));
    expect(config('true').enableBedrock).toBe(true);
    expect(config('false').enableBedrock).toBe(false);
    expect(config(false).enableBedrock).toBe(false);
    expect(() => config('yes')).toThrow(/roukey:enableBedrock/);
  });
});
