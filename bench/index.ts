import { startE2E } from '../test/support/e2e-setup.js';
import { measureRouterBundle } from './bundle.js';
import { measureStreamTranslation } from './stream-translation.js';
import { benchRouting } from './routing.js';
import { CLASSIFICATION_TARGET_P99_MS, measureClassification } from './classification.js';
import { percentile, runLoad, type LoadResult, type Target } from './load.js';

/**
 * `npm run bench`: RouKey's overhead over calling an upstream directly, with the local runtime (the same handlers
 * as in Lambda) in front of a fake OpenAI upstream on loopback. Not a test: it prints figures against the targets.
 */
const TARGETS = { addedMedianMs: 0.5, addedP99Ms: 3, addedTtfbMs: 1, throughputShare: 1 / 3, bundleBytes: 1_000_000, translationUsPerChunk: 20 };

// Gateway, fake upstream and load generator share one thread, for direct calls and RouKey alike: on two cores,
// threads of their own would make the RouKey runs (three busy threads and DynamoDB Local) compete for CPU that
// the direct runs (two threads) have to themselves.
// Measured first, before the runtime and its background work (metadata flushes, DynamoDB Local) are running.
const translation = await measureStreamTranslation();
const decisions = await benchRouting();
const classification = measureClassification();
const e2e = await startE2E({ models: ['bench-model'] });
try {
  const body = (stream: boolean, model: string) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Benchmark prompt of a typical size, a sentence or two long.' }] });
  const direct = (stream: boolean): Target => ({
    url: `${e2e.upstream.baseUrl}/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-direct' },
    body: body(stream, 'bench-model'),
  });
  const viaRouKey = (stream: boolean, model = 'fake/bench-model'): Target => ({
    url: `${e2e.gatewayUrl}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${e2e.apiKey}` },
    body: body(stream, model),
  });

  const rows: string[][] = [['measure', 'direct', 'RouKey', 'added', 'target']];
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

  const c1 = { concurrency: 1, total: 2_000 };
  const [d1, r1] = [await runLoad(direct(false), c1), await runLoad(viaRouKey(false), c1)];
  const addMedian = percentile(r1.latencies, 50) - percentile(d1.latencies, 50);
  const addP99 = percentile(r1.latencies, 99) - percentile(d1.latencies, 99);
  rows.push(['latency median, c=1', ms(percentile(d1.latencies, 50)), ms(percentile(r1.latencies, 50)), ms(addMedian), `≤ ${TARGETS.addedMedianMs} ms ${verdict(addMedian <= TARGETS.addedMedianMs)}`]);
  rows.push(['latency p99, c=1', ms(percentile(d1.latencies, 99)), ms(percentile(r1.latencies, 99)), ms(addP99), `≤ ${TARGETS.addedP99Ms} ms ${verdict(addP99 <= TARGETS.addedP99Ms)}`]);

  // The same target through a routing config: config lookup (cached), strategy decision, health checks.
  await e2e.mgmt('POST', '/v1/configs', { name: 'bench', strategy: 'fallback', targets: [{ model: 'fake/bench-model' }, { model: 'fake/gpt-4o-mini' }] });
  const rc = await runLoad(viaRouKey(false, 'roukey/bench'), c1);
  rows.push(['latency median, c=1, via a fallback config', ms(percentile(d1.latencies, 50)), ms(percentile(rc.latencies, 50)), ms(percentile(rc.latencies, 50) - percentile(d1.latencies, 50)), '']);

  const c32 = { concurrency: 32, total: 10_000 };
  const [d32, r32] = [await runLoad(direct(false), c32), await runLoad(viaRouKey(false), c32)];
  const rps = (r: LoadResult) => r.latencies.length / r.seconds;
  rows.push(['latency median, c=32', ms(percentile(d32.latencies, 50)), ms(percentile(r32.latencies, 50)), ms(percentile(r32.latencies, 50) - percentile(d32.latencies, 50)), '']);
  rows.push(['latency p99, c=32', ms(percentile(d32.latencies, 99)), ms(percentile(r32.latencies, 99)), ms(percentile(r32.latencies, 99) - percentile(d32.latencies, 99)), '']);
  const share = rps(r32) / rps(d32);
  rows.push(['requests/s, c=32', rps(d32).toFixed(0), rps(r32).toFixed(0), `${(share * 100).toFixed(0)}% of direct`, `≥ 33% ${verdict(share >= TARGETS.throughputShare)} (aim 50%)`]);

  const s1 = { concurrency: 1, total: 1_000, firstByte: true };
  const [ds, rs] = [await runLoad(direct(true), s1), await runLoad(viaRouKey(true), s1)];
  const addTtfb = percentile(rs.latencies, 50) - percentile(ds.latencies, 50);
  rows.push(['stream first byte median, c=1', ms(percentile(ds.latencies, 50)), ms(percentile(rs.latencies, 50)), ms(addTtfb), `≤ ${TARGETS.addedTtfbMs} ms ${verdict(addTtfb <= TARGETS.addedTtfbMs)}`]);

  const bundle = await measureRouterBundle('.roukey/bench');
  rows.push(['router bundle (minified)', '', `${(bundle.bytes / 1024).toFixed(0)} KiB`, '', `≤ 1 MB ${verdict(bundle.bytes <= TARGETS.bundleBytes)}`]);
  rows.push(['router cold import (median of 7)', '', ms(bundle.coldImportMs), '', '']);

  for (const t of translation) {
    const us = (n: number) => `${n.toFixed(1)} µs`;
    rows.push([`stream translation ${t.name}, per chunk`, '', us(t.perChunkUs), '', `≤ ${TARGETS.translationUsPerChunk} µs ${verdict(t.perChunkUs <= TARGETS.translationUsPerChunk)}`]);
    rows.push([`stream translation ${t.name}, to first chunk`, '', us(t.firstChunkUs), us(t.firstChunkUs), '']);
  }

  for (const [strategy, t] of Object.entries(decisions)) {
    const us = (n: number) => `${n.toFixed(1)} µs`;
    rows.push([`routing decision: ${strategy} (median / p99)`, '', `${us(t.medianUs)} / ${us(t.p99Us)}`, '', `p99 ≤ ${t.targetUs} µs ${verdict(t.p99Us <= t.targetUs)}`]);
  }
  for (const t of classification) {
    rows.push([`${t.name} (median / p99)`, '', `${ms(t.medianMs)} / ${ms(t.p99Ms)}`, '', `p99 ≤ ${CLASSIFICATION_TARGET_P99_MS} ms ${verdict(t.p99Ms <= CLASSIFICATION_TARGET_P99_MS)}`]);
  }

  const errors = [d1, r1, rc, d32, r32, ds, rs].reduce((n, r) => n + r.errors, 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\nRouKey benchmark — node ${process.version}; gateway, fake upstream and load generator on one thread; ${errors} failed requests\n`);
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
} finally {
  await e2e.stop();
}
