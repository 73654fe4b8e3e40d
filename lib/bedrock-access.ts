import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RouKeyFunction } from './function.js';

/** What Converse and ConverseStream are authorised by (Bedrock documents no Converse-specific actions). */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;

/**
 * Lets a function call Bedrock models of the stack's region, on-demand (foundation models) or through the account's
 * inference profiles. Granted only when the deployer opts in (`roukey:enableBedrock`).
 */
export function grantBedrockInvoke(fn: RouKeyFunction): void {
  const stack = Stack.of(fn);
  const foundationModels = stack.formatArn({
    service: 'bedrock',
    account: '',
    resource: 'foundation-model',
    resourceName: '*',
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  const inferenceProfiles = stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  fn.addToRolePolicy(new PolicyStatement({ actions: [...BEDROCK_INVOKE_ACTIONS], resources: [foundationModels, inferenceProfiles] }));
  const reason =
    'The model is chosen per request by the caller (the part of "model" after the provider-key name), so the router may invoke any Bedrock foundation model or inference profile of this region; the wildcard is limited to those two resource types, to this region (and this account for inference profiles; foundation-model ARNs name no account), and to the two invoke actions.';
  // The role is the policy's parent (lib/function.ts creates it beside the function), so the finding is acknowledged there.
  Validations.of(fn.role ?? fn).acknowledge(
    { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/*]', reason },
    { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/*]', reason },
  );
}
