import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RouKeyStack } from './roukey-stack.js';

export const STACK_NAME = 'RouKey';

/**
 * The CDK app: one environment-agnostic stack (no lookups, so `cdk synth` needs no credentials), checked by
 * cdk-nag's AwsSolutions pack on every synth; an unacknowledged finding fails the synth.
 */
export function createApp(props?: AppProps): { app: App; stack: RouKeyStack } {
  const app = new App(props);
  const stack = new RouKeyStack(app, STACK_NAME, {
    description: 'RouKey: self-hosted OpenAI-compatible AI routing gateway',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
