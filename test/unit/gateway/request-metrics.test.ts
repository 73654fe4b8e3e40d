import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RouteOutcome } from '../../../lambdas/gateway/engine/route-chat.js';
import {
  METRICS_NAMESPACE,
  requestMetricsLine,
  ROUTER_SERVICE,
  stdoutMetricsSink,
  type MetricsSink,
  type RequestMetricsSample,
} from '../../../lambdas/gateway/request-metrics.js';
import { NOTHING_ROUTED } from '../../../lambdas/gateway/engine/outcome.js';

/** The router's sink, with the EMF lines it writes captured. */
function capturedMetrics(): { sink: MetricsSink; lines: () => Record<string, any>[] } {
  const printed: string[] = [];
  return { sink: (line) => void printed.push(line), lines: () => printed.map((line) => JSON.parse(line) as Record<string, any>) };
}

const publish = (sink: MetricsSink, sample: RequestMetricsSample) => sink(requestMetricsLine(sample));

const target = { name: 'openai-main/gpt-4o', provider: 'openai' as const, providerKeyId: 'pk_1', model: 'gpt-4o', catalog: undefined };
const answered: RouteOutcome = {
  decision: { strategy: 'fallback', configName: 'prod', targets: [] },
  attempts: [
    { target: 'a/m', provider: 'openai', latencyMs: 3, outcome: 'http_error', status: 500 },
    { target: 'openai-main/gpt-4o', provider: 'openai', latencyMs: 40, outcome: 'ok', status: 200 },
  ],
  calls: 2,
  target,
  metering: { ttftMs: 120, usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 } },
} as unknown as RouteOutcome;

describe('router metrics (EMF through Powertools)', () => {
  it('one line per request: counts, latency, TTFT, tokens and fallbacks under bounded dimensions and a total', () => {
    const { sink, lines } = capturedMetrics();
    publish(sink, { status: 200, latencyMs: 250, outcome: answered });
    const [line] = lines();
    expect(lines()).toHaveLength(1);
    expect(line?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'RouKey',
        Dimensions: [['service'], ['service', 'provider', 'statusClass', 'strategy']],
        Metrics: expect.arrayContaining([
          { Name: 'Requests', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds' },
          { Name: 'TimeToFirstToken', Unit: 'Milliseconds' },
          { Name: 'Fallbacks', Unit: 'Count' },
          { Name: 'PromptTokens', Unit: 'Count' },
          { Name: 'CompletionTokens', Unit: 'Count' },
        ]),
      },
    ]);
    expect(line).toMatchObject({
      service: 'roukey-router',
      provider: 'openai',
      statusClass: '2xx',
      strategy: 'fallback',
      Requests: 1,
      Latency: 250,
      TimeToFirstToken: 120,
      Fallbacks: 1,
      PromptTokens: 12,
      CompletionTokens: 30,
    });
  });

  it('P3: never an account, key, config or model id as a dimension or a value', () => {
    const { sink, lines } = capturedMetrics();
    publish(sink, { status: 200, latencyMs: 5, outcome: answered });
    const text = JSON.stringify(lines());
    for (const id of ['pk_1', 'gpt-4o', 'openai-main', 'prod', 'a/m']) expect(text).not.toContain(id);
  });

  it('errors by class; a request RouKey refused itself counts under the limit that refused it', () => {
    const { sink, lines } = capturedMetrics();
    publish(sink, { status: 504, latencyMs: 9, errorType: 'upstream_timeout', outcome: { ...answered, attempts: answered.attempts.slice(0, 1) } });
    publish(sink, { status: 429, latencyMs: 1, errorType: 'rate_limited', errorCode: 'requests_per_minute', outcome: NOTHING_ROUTED });
    publish(sink, { status: 403, latencyMs: 1, errorType: 'forbidden', errorCode: 'Not a Code!', outcome: NOTHING_ROUTED });
    const [timeout, limited, odd] = lines();
    expect(timeout).toMatchObject({ 'Errors.upstream_timeout': 1, statusClass: '5xx' });
    expect(timeout).not.toHaveProperty('Fallbacks');
    expect(timeout).not.toHaveProperty(['Refused.upstream_timeout']);
    expect(limited).toMatchObject({ 'Errors.rate_limited': 1, 'Refused.requests_per_minute': 1, provider: 'none', strategy: 'none', statusClass: '4xx' });
    expect(odd).toMatchObject({ 'Refused.other': 1 });
  });

  it('writes exactly the line Powertools Metrics serializes for the same dimensions and metrics', () => {
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const powertools = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: ROUTER_SERVICE });
    if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = previous;
    powertools.addDimensions({});
    powertools.addDimensions({ provider: 'openai', statusClass: '2xx', strategy: 'fallback' });
    powertools.addMetric('Requests', MetricUnit.Count, 1);
    powertools.addMetric('Latency', MetricUnit.Milliseconds, 250);
    powertools.addMetric('TimeToFirstToken', MetricUnit.Milliseconds, 120);
    powertools.addMetric('PromptTokens', MetricUnit.Count, 12);
    powertools.addMetric('CompletionTokens', MetricUnit.Count, 30);
    powertools.addMetric('Fallbacks', MetricUnit.Count, 1);
    powertools.setTimestamp(1_700_000_000_000);
    expect(JSON.parse(requestMetricsLine({ status: 200, latencyMs: 250, outcome: answered }, 1_700_000_000_000))).toEqual(powertools.serializeMetrics());
  });

  it('writes nothing where POWERTOOLS_METRICS_DISABLED is true (the local runtime)', () => {
    expect(stdoutMetricsSink({ POWERTOOLS_METRICS_DISABLED: 'true' })).toBeUndefined();
    expect(stdoutMetricsSink({})).toBeInstanceOf(Function);
  });
});
