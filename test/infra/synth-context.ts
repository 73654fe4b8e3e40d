import { readFileSync } from 'node:fs';

/**
 * The context `cdk synth` hands the app from cdk.json (aws-cdk-lib feature flags and roukey:* settings), so the
 * tests synthesize the template that is deployed rather than one with every flag at its legacy default.
 */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

/** Skips esbuild, for tests where only the resources matter (test/infra/stack.test.ts bundles). */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
