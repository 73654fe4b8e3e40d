import { isDeepStrictEqual } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CURRENT_VERSION_EXPIRED_FLAGS, CURRENTLY_RECOMMENDED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { RouKeyStack } from '../../lib/roukey-stack.js';
import { readStackConfig } from '../../lib/stack-config.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

const ROUKEY_KEY = /^roukey:/;
const flagsInCdkJson = Object.keys(CDK_JSON_CONTEXT).filter((key) => !ROUKEY_KEY.test(key));

/** Resources whose replacement would lose data or cut off existing clients. */
const STATEFUL_TYPES = new Set([
  'AWS::KMS::Key',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
]);

function statefulResources(context: Record<string, unknown>): Record<string, { Type: string }> {
  const stack = new RouKeyStack(new App(resourcesOnly(context)), 'RouKey');
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
  return Object.fromEntries(Object.entries(resources).filter(([, r]) => STATEFUL_TYPES.has(r.Type)));
}

describe('aws-cdk-lib feature flags (cdk.json, docs/cdk-feature-flags.md)', () => {
  it('cdk.json sets every flag the installed aws-cdk-lib recommends, at its recommended value', () => {
    // After an upgrade this lists the flags to add to cdk.json, with the values `cdk init` would write.
    const toAdd = Object.fromEntries(Object.entries(CURRENTLY_RECOMMENDED_FLAGS).filter(([flag, value]) => !isDeepStrictEqual(CDK_JSON_CONTEXT[flag], value)));
    expect(toAdd).toEqual({});
  });

  it('cdk.json sets only flags that the installed aws-cdk-lib knows and has not expired', () => {
    expect(flagsInCdkJson.filter((flag) => !(flag in FLAGS) || CURRENT_VERSION_EXPIRED_FLAGS.includes(flag))).toEqual([]);
  });

  it('the flags leave every stateful resource (keys, tables, user pool and client, log groups) as the unflagged app renders it', () => {
    const roukeyOnly = Object.fromEntries(Object.entries(CDK_JSON_CONTEXT).filter(([key]) => ROUKEY_KEY.test(key)));
    const flagged = statefulResources(CDK_JSON_CONTEXT);
    expect(new Set(Object.values(flagged).map((r) => r.Type))).toEqual(new Set([...STATEFUL_TYPES].filter((t) => !/GlobalTable/.test(t))));
    expect(flagged).toEqual(statefulResources(roukeyOnly));
  });

  it('the roukey:* settings beside the flags still validate', () => {
    expect(readStackConfig(new Stack(new App({ context: CDK_JSON_CONTEXT }), 'S'))).toMatchObject({
      throttleRateLimit: 100,
      throttleBurstLimit: 200,
      plans: {},
      defaultPlan: 'free',
    });
  });
});
