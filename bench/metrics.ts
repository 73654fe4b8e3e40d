import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RouteOutcome } from '../lambdas/gateway/engine/route-chat.js';
import { METRICS_NAMESPACE, requestMetricsLine, ROUTER_SERVICE, type RequestMetricsSample } from '../lambdas/gateway/request-metrics.js';
import { percentile } from './load.js';

/**
 * What the router's EMF metrics add to a request: its line (`requestMetricsLine`) written to a stream that discards
 * it, so the pipe's own cost is left out, against the same request without metrics (the router with `metrics`
 * unset). Rounds alternate on and off; the figure is the median of each round's difference per request. The same
 * line through Powertools Metrics' API is timed beside it, for the record of why the router builds it directly.
 */
const ROUNDS = 21;
const PER_ROUND = 2_000;

const outcome = {
  decision: { strategy: 'fallback', configName: 'bench', targets: [] },
  attempts: [{ target: 'fake/bench-model', provider: 'openai', latencyMs: 2, outcome: 'ok', status: 200 }],
  calls: 1,
  target: { name: 'fake/bench-model', provider: 'openai', providerKeyId: 'pk', model: 'bench-model', catalog: undefined },
  metering: { ttftMs: 3, usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 } },
} as unknown as RouteOutcome;

export interface MetricsTiming {
  /** Per request, metrics off and on, and the median of the rounds' differences, in µs. */
  readonly offUs: number;
  readonly onUs: number;
  readonly addedUs: number;
  /** The same through Powertools Metrics' addDimensions/addMetric/publishStoredMetrics, added per request. */
  readonly powertoolsAddedUs: number;
}

export function measureMetrics(): MetricsTiming {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const out = new Console({ stdout: discard, stderr: discard });
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const powertools = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: ROUTER_SERVICE });
  if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = previous;
  (powertools as unknown as { console: Console }).console = out;
  let sink = 0;
  const sample = (): RequestMetricsSample => {
    const latencyMs = 5 + (sink & 7);
    sink += latencyMs;
    return { status: 200, latencyMs, outcome };
  };
  // The router's sink writes the line to stdout as it is (stdoutMetricsSink); Powertools goes through a Console.
  const router = () => void discard.write(`${requestMetricsLine(sample())}\n`);
  const viaPowertools = () => {
    const s = sample();
    powertools.addDimensions({});
    powertools.addDimensions({ provider: 'openai', statusClass: '2xx', strategy: 'fallback' });
    powertools.addMetric('Requests', MetricUnit.Count, 1);
    powertools.addMetric('Latency', MetricUnit.Milliseconds, s.latencyMs);
    powertools.addMetric('TimeToFirstToken', MetricUnit.Milliseconds, 3);
    powertools.addMetric('PromptTokens', MetricUnit.Count, 12);
    powertools.addMetric('CompletionTokens', MetricUnit.Count, 30);
    powertools.publishStoredMetrics();
  };
  const off = () => void sample();
  const ours = alternate(router, off);
  return { ...ours, powertoolsAddedUs: alternate(viaPowertools, off).addedUs };
}

/** Per-request medians of `on` and `off` over alternating rounds, and the median of the rounds' differences (µs). */
function alternate(on: () => void, off: () => void): { offUs: number; onUs: number; addedUs: number } {
  const round = (fn: () => void) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) fn();
    return Number(process.hrtime.bigint() - started) / 1_000 / PER_ROUND;
  };
  for (let i = 0; i < 3; i++) round(i % 2 === 0 ? on : off);
  const offs: number[] = [];
  const ons: number[] = [];
  const added: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const onFirst = r % 2 === 0;
    const a = round(onFirst ? on : off);
    const b = round(onFirst ? off : on);
    const [onUs, offUs] = onFirst ? [a, b] : [b, a];
    ons.push(onUs);
    offs.push(offUs);
    added.push(onUs - offUs);
  }
  return { offUs: percentile(offs, 50), onUs: percentile(ons, 50), addedUs: percentile(added, 50) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = measureMetrics();
  console.log(
    `EMF metrics per request: off ${t.offUs.toFixed(2)} µs, on ${t.onUs.toFixed(2)} µs, added ${t.addedUs.toFixed(2)} µs (target ≤ 20 µs); through Powertools' API ${t.powertoolsAddedUs.toFixed(2)} µs`,
  );
}
