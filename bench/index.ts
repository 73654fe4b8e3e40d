import { startE2E } from '../test/support/e2e-setup.js';
import { buildRouterBundle, measureRouterBundle, servingRouterBundle } from './bundle.js';
import { measureStreamTranslation } from './stream-translation.js';
import { benchRouting } from './routing.js';
import { CLASSIFICATION_TARGET_P99_MS, measureClassification } from './classification.js';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { chatTarget, PAIRED_C1, PAIRED_C32, runLoad, runPaired, WARM_UP, type Target } from './load.js';
import { startRemoteDynamoDb } from './remote-dynamodb.js';
import { measureDepthCheck } from './request-json.js';
import { liftRequestLimits, measureLimits } from './limits.js';
import { measureMetrics } from './metrics.js';
import { measureUsage, usageRows } from './usage.js';
import { exportRows, measureExport } from './export.js';

/**
 * `npm run bench`: RouKey's overhead over calling an upstream directly, with the local runtime (the same handlers
 * as in Lambda) in front of a fake OpenAI upstream on loopback. Not a test: it prints figures against the targets.
 */
const TARGETS = {
  limitsAddedMedianMs: 0.05,
  metricsAddedMs: 0.02,
  addedMedianMs: 0.5,
  addedP99Ms: 3,
  addedTtfbMs: 1,
  throughputShare: 1 / 3,
  bundleBytes: 1_000_000,
  translationUsPerChunk: 20,
};

// Gateway, fake upstream and load generator share one thread, for direct calls and RouKey alike: on two cores,
// threads of their own would make the RouKey runs (three busy threads and DynamoDB Local) compete for CPU that
// the direct runs (two threads) have to themselves.
// Measured first, before the runtime and its background work (metadata flushes, DynamoDB Local) are running.
const translation = await measureStreamTranslation();
const decisions = await benchRouting();
const classification = measureClassification();
const depthChecks = measureDepthCheck();
const metricsCost = measureMetrics();
const dynamo = await startDynamoDbLocal();
const remote = await startRemoteDynamoDb(dynamo.endpoint);
process.env.DYNAMODB_ENDPOINT = remote.endpoint;
// The router as `cdk deploy` bundles it, behind the local runtime's front.
const routerBundle = await buildRouterBundle('.roukey/bench');
const e2e = await startE2E({ models: ['bench-model'], recordRequests: false }, { handlerModules: servingRouterBundle(routerBundle) });
const rows: string[][] = [['measure', 'direct', 'RouKey', 'added', 'target']];
let errors = 0;
try {
  // The dev account's plan would refuse the bench's load: its request limits are raised far above it (still checked).
  const benchAccount = await liftRequestLimits(e2e.mgmt);
  const direct = (stream: boolean): Target => chatTarget(`${e2e.upstream.baseUrl}/chat/completions`, 'Bearer sk-direct', 'bench-model', { stream });
  const viaRouKey = (stream: boolean, model = 'fake/bench-model'): Target =>
    chatTarget(`${e2e.gatewayUrl}/v1/chat/completions`, `Bearer ${e2e.apiKey}`, model, { stream });
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  await e2e.mgmt('POST', '/v1/configs', { name: 'bench', strategy: 'fallback', targets: [{ model: 'fake/bench-model' }, { model: 'fake/gpt-4o-mini' }] });

  // First as in AWS (DynamoDB remote), then with DynamoDB Local storing every metadata record on these cores.
  for (const mode of ['remote', 'local'] as const) {
    await remote.absorbWritesTo(mode === 'remote' ? e2e.local.runtime.config.tables.activity : undefined);
    rows.push([
      mode === 'remote'
        ? '— metadata writes to DynamoDB as a remote service (bench/remote-dynamodb.ts)'
        : '— metadata writes stored by DynamoDB Local on the same two cores',
      '',
      '',
      '',
      '',
    ]);
    // Every path at length, unmeasured, so the JIT, the caches and, in the second mode, DynamoDB Local's JVM are
    // warm when the first round starts.
    for (const target of [direct(false), viaRouKey(false), viaRouKey(false, 'roukey/bench'), direct(true), viaRouKey(true)]) {
      errors += (await runLoad(target, WARM_UP)).errors;
    }
    const c1 = await runPaired(direct(false), viaRouKey(false), PAIRED_C1);
    rows.push([
      'latency median, c=1',
      ms(c1.direct.p50),
      ms(c1.gateway.p50),
      ms(c1.addedP50),
      `≤ ${TARGETS.addedMedianMs} ms ${verdict(c1.addedP50 <= TARGETS.addedMedianMs)}`,
    ]);
    rows.push([
      'latency p99, c=1',
      ms(c1.direct.p99),
      ms(c1.gateway.p99),
      ms(c1.addedP99),
      `≤ ${TARGETS.addedP99Ms} ms ${verdict(c1.addedP99 <= TARGETS.addedP99Ms)}`,
    ]);
    if (mode === 'remote') {
      // The same target through a routing config: config lookup (cached), strategy decision, health checks.
      const rc = await runPaired(direct(false), viaRouKey(false, 'roukey/bench'), PAIRED_C1);
      rows.push(['latency median, c=1, via a fallback config', ms(rc.direct.p50), ms(rc.gateway.p50), ms(rc.addedP50), '']);
      errors += rc.errors;
    }
    const c32 = await runPaired(direct(false), viaRouKey(false), PAIRED_C32);
    rows.push(['latency median, c=32', ms(c32.direct.p50), ms(c32.gateway.p50), ms(c32.addedP50), '']);
    rows.push(['latency p99, c=32', ms(c32.direct.p99), ms(c32.gateway.p99), ms(c32.addedP99), '']);
    rows.push([
      'requests/s, c=32',
      c32.direct.rps.toFixed(0),
      c32.gateway.rps.toFixed(0),
      `${(c32.rpsShare * 100).toFixed(0)}% of direct`,
      `≥ 33% ${verdict(c32.rpsShare >= TARGETS.throughputShare)} (aim 50%)`,
    ]);
    const s1 = await runPaired(direct(true), viaRouKey(true), { concurrency: 1, total: 200, rounds: 7, firstByte: true });
    rows.push([
      'stream first byte median, c=1',
      ms(s1.direct.p50),
      ms(s1.gateway.p50),
      ms(s1.addedP50),
      `≤ ${TARGETS.addedTtfbMs} ms ${verdict(s1.addedP50 <= TARGETS.addedTtfbMs)}`,
    ]);
    errors += c1.errors + c32.errors + s1.errors;
    if (mode === 'remote') rows.push([`metadata write calls sent (acknowledged by the stand-in)`, '', String(await remote.absorbedCalls()), '', '']);
  }
  rows.push(["— the router bundle as `cdk deploy` builds it, and RouKey's own code timed alone", '', '', '', '']);

  const bundle = await measureRouterBundle(routerBundle);
  rows.push(['router bundle (minified)', '', `${(bundle.bytes / 1024).toFixed(0)} KiB`, '', `≤ 1 MB ${verdict(bundle.bytes <= TARGETS.bundleBytes)}`]);
  rows.push(['router cold import (median of 7)', '', ms(bundle.coldImportMs), '', '']);

  for (const t of translation) {
    const us = (n: number) => `${n.toFixed(1)} µs`;
    rows.push([
      `stream translation ${t.name}, per chunk`,
      '',
      us(t.perChunkUs),
      '',
      `≤ ${TARGETS.translationUsPerChunk} µs ${verdict(t.perChunkUs <= TARGETS.translationUsPerChunk)}`,
    ]);
    rows.push([`stream translation ${t.name}, to first chunk`, '', us(t.firstChunkUs), us(t.firstChunkUs), '']);
  }

  for (const [strategy, t] of Object.entries(decisions)) {
    const us = (n: number) => `${n.toFixed(1)} µs`;
    rows.push([
      `routing decision: ${strategy} (median / p99)`,
      '',
      `${us(t.medianUs)} / ${us(t.p99Us)}`,
      '',
      `p99 ≤ ${t.targetUs} µs ${verdict(t.p99Us <= t.targetUs)}`,
    ]);
  }
  for (const t of classification) {
    rows.push([
      `${t.name} (median / p99)`,
      '',
      `${ms(t.medianMs)} / ${ms(t.p99Ms)}`,
      '',
      `p99 ≤ ${CLASSIFICATION_TARGET_P99_MS} ms ${verdict(t.p99Ms <= CLASSIFICATION_TARGET_P99_MS)}`,
    ]);
  }

  for (const t of depthChecks) {
    const us = (n: number) => `${n.toFixed(2)} µs`;
    rows.push([`request body depth check, ${t.name} (JSON.parse / check)`, '', `${us(t.parseUs)} / ${us(t.checkUs)}`, us(t.checkUs), '']);
  }

  const limits = await measureLimits(remote.endpoint, e2e.local.runtime.config.tables, benchAccount);
  const micro = (n: number) => `${n.toFixed(2)} µs`;
  rows.push([
    'request limits, per request: off / on (median)',
    micro(limits.offUs),
    micro(limits.onUs),
    ms((limits.onUs - limits.offUs) / 1_000),
    `≤ ${TARGETS.limitsAddedMedianMs} ms ${verdict((limits.onUs - limits.offUs) / 1_000 <= TARGETS.limitsAddedMedianMs)}`,
  ]);
  rows.push(['request limits on, p99 / DynamoDB calls per 1,000 requests', '', `${micro(limits.onP99Us)} / ${limits.callsPer1000.toFixed(1)}`, '', '']);
  rows.push([
    'EMF metrics per request (off / on)',
    '',
    `${(metricsCost.offUs / 1000).toFixed(4)} ms / ${(metricsCost.onUs / 1000).toFixed(4)} ms`,
    `${(metricsCost.addedUs / 1000).toFixed(4)} ms`,
    `≤ ${TARGETS.metricsAddedMs} ms ${verdict(metricsCost.addedUs / 1000 <= TARGETS.metricsAddedMs)}`,
  ]);
  rows.push(["the same through Powertools Metrics' API", '', '', `${(metricsCost.powertoolsAddedUs / 1000).toFixed(4)} ms`, '']);
  rows.push(...usageRows(await measureUsage(dynamo.endpoint)));
  rows.push(...exportRows(await measureExport(dynamo.endpoint)));

  const section = (row: string[]) => row[0]!.startsWith('— ');
  const widths = rows[0]!.map((_, i) => Math.max(...rows.filter((r) => !section(r)).map((r) => r[i]!.length)));
  console.log(
    `\nRouKey benchmark — node ${process.version}; gateway, fake upstream and load generator on one thread; medians of alternating rounds; ${errors} failed requests\n`,
  );
  for (const row of rows) console.log(section(row) ? `\n${row[0]}` : row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
} finally {
  await e2e.stop();
  await remote.close();
  await dynamo.stop();
}
