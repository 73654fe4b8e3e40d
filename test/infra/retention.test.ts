import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../lib/app.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

// The policy's figure, written by hand: changing RETENTION.errorLogDays breaks this test.
const ERROR_LOG_DAYS = 90;

describe('log retention against the policy’s words (P11)', () => {
  const { stack } = createApp(resourcesOnly(CDK_JSON_CONTEXT));
  const template = Template.fromStack(stack);

  it('P11: every Lambda log group (the usage aggregator’s too) and the API access log keep 90 days', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(groups[fn.Properties.LoggingConfig.LogGroup.Ref]?.Properties.RetentionInDays).toBe(ERROR_LOG_DAYS);
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    const destination = JSON.stringify(stage?.Properties.AccessLogSetting.DestinationArn);
    const accessLogs = Object.keys(groups).filter((id) => destination.includes(`"${id}"`));
    expect(accessLogs).toHaveLength(1);
    expect(groups[accessLogs[0] ?? '']?.Properties.RetentionInDays).toBe(ERROR_LOG_DAYS);
    const aggregatorLogs = stack.jobs.usageAggregator.functionLogGroup.node.defaultChild as { retentionInDays?: number };
    expect(aggregatorLogs.retentionInDays).toBe(ERROR_LOG_DAYS);
  });
});
