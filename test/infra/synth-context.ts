import { readFileSync } from 'node:fs';
import type { AppProps } from 'aws-cdk-lib';

/**
 * The context `cdk synth` hands the app from cdk.json (aws-cdk-lib feature flags and roukey:* settings), so the
 * tests synthesize the template that is deployed rather than one with every flag at its legacy default.
 */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

/**
 * For tests where only the resources matter: skips esbuild and CloudFormation's default-rules check (a linter that
 * costs most of a synth's time). test/infra/stack.test.ts synthesizes as `cdk synth` does, with both.
 */
export function resourcesOnly(context: Record<string, unknown> = {}): AppProps {
  return { context: { 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false };
}
