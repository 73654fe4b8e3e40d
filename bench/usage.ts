import { pathToFileURL } from 'node:url';
import { createAccountRepository } from '../lambdas/store/accounts-profiles.js';
import { createDocumentClient } from '../lambdas/store/dynamo.js';
import type { RequestActivity } from '../lambdas/store/activity-record.js';
import type { TableName } from '../lambdas/store/tables.js';
import { createRollupReader, createRollupWriter } from '../lambdas/store/usage-items.js';
import { bucketOf } from '../lambdas/usage/histogram.js';
import type { Counters, RollupKey } from '../lambdas/usage/rollup.js';
import { aggregateUsage, MAX_ROLLUPS_PER_CHANGE, type RollupDelta, type StreamRecord } from '../lambdas/usage/usage-aggregator.js';
import { createUsageService } from '../lambdas/usage/usage-service.js';
import { ensureTables, localDynamoDbClient, startDynamoDbLocal, tableNamesFor } from '../lib/local/dynamodb-local.js';

/**
 * The usage analytics' figures on DynamoDB Local: the aggregator's throughput (records/s and writes per record, as
 * Lambda would hand it batches of the activity stream), and the 90-day usage query of an account with a million
 * requests a day (DynamoDB Queries and time). Run alone with `npx tsx bench/usage.ts`; `npm run bench` runs it too.
 */
export interface UsageBench {
  readonly aggregator: { readonly records: number; readonly recordsPerSecond: number; readonly writesPerRecord: number; readonly transactions: number };
  readonly queries: { readonly name: string; readonly items: number; readonly queries: number; readonly medianMs: number }[];
}

const BATCH = 1_000;
const RECORDS = 20_000;
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'o3-mini', 'gpt-4.1', 'gpt-4.1-mini'];
const DAY_MS = 86_400_000;
const REQUESTS_PER_DAY = 1_000_000;

export async function measureUsage(endpoint: string): Promise<UsageBench> {
  const client = localDynamoDbClient(endpoint);
  const tables = tableNamesFor(`bench-usage-${Date.now()}`);
  await ensureTables(client, tables);
  client.destroy();
  const doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  try {
    // The aggregator writes only for accounts that exist (P20).
    const accounts = createAccountRepository(doc, tables.accounts);
    for (const accountId of ['acc-busy', 'acc-million', ...Array.from({ length: 9 }, (_, i) => `acc-${i}`)]) {
      await accounts.createAccount(`sub-${accountId}`, accountId, new Date().toISOString());
    }
    return { aggregator: await aggregatorThroughput(doc, tables), queries: await ninetyDayQueries(doc, tables) };
  } finally {
    doc.destroy();
  }
}

/** A busy hour: most records of one account, the rest spread over nine; five models, five keys, two configs. */
function records(): StreamRecord[] {
  const start = Date.parse('2026-11-26T10:00:00Z');
  return Array.from({ length: RECORDS }, (_, i) => {
    const record: RequestActivity = {
      kind: 'request',
      accountId: i % 5 === 0 ? `acc-${i % 9}` : 'acc-busy',
      requestId: `req-${i}`,
      apiKeyId: `ak-${i % 5}`,
      startedAt: new Date(start + Math.floor((i * 3_600_000) / RECORDS)).toISOString(),
      latencyMs: 200 + ((i * 37) % 3_000),
      ttftMs: 80 + ((i * 13) % 900),
      status: i % 50 === 0 ? 502 : 200,
      ...(i % 50 === 0 ? { errorType: 'upstream_error' as const } : {}),
      stream: true,
      provider: 'openai',
      model: MODELS[i % MODELS.length],
      ...(i % 3 === 0 ? { configName: `cfg-${i % 2}`, referenceCostUsd: 0.002 } : {}),
      promptTokens: 500,
      completionTokens: 120,
      costUsd: 0.0004,
      expiresAt: 1_900_000_000,
    };
    return { sequenceNumber: String(1_000_000 + i), eventName: 'INSERT', newImage: { pk: 'x', sk: 'y', ...record } };
  });
}

async function aggregatorThroughput(doc: ReturnType<typeof createDocumentClient>, tables: Record<TableName, string>): Promise<UsageBench['aggregator']> {
  const writer = createRollupWriter(doc, tables);
  const all = records();
  // One unmeasured batch first: connections and the JIT warm.
  await aggregateUsage(all.slice(0, BATCH), writer);
  let writes = 0;
  let transactions = 0;
  const measured = all.slice(BATCH);
  const started = performance.now();
  for (let i = 0; i < measured.length; i += BATCH) {
    const result = await aggregateUsage(measured.slice(i, i + BATCH), writer);
    if (result.failedAt !== undefined) throw new Error('aggregator write failed');
    writes += result.writes;
    transactions += result.transactions;
  }
  const seconds = (performance.now() - started) / 1000;
  return { records: measured.length, recordsPerSecond: measured.length / seconds, writesPerRecord: writes / measured.length, transactions };
}

/** What a rollup of a million requests a day holds: every counter, and latency and TTFT buckets across their range. */
function dayCounters(share: number): Counters {
  const n = Math.round(REQUESTS_PER_DAY * share);
  const counters: Counters = new Map([
    ['requests', n],
    ['errors', Math.round(n / 50)],
    ['e_upstream_error', Math.round(n / 60)],
    ['e_upstream_timeout', Math.round(n / 300)],
    ['fallbacks', Math.round(n / 40)],
    ['refused', Math.round(n / 1000)],
    ['promptTokens', n * 500],
    ['completionTokens', n * 120],
    ['cachedTokens', n * 100],
    ['reasoningTokens', n * 20],
    ['costMicros', n * 400],
    ['refCostMicros', n * 900],
    ['routedCostMicros', n * 300],
  ]);
  for (let ms = 50; ms < 30_000; ms *= 1.19) {
    counters.set(`l${bucketOf(ms)}`, Math.round(n / 35));
    counters.set(`t${bucketOf(ms / 3)}`, Math.round(n / 35));
  }
  return counters;
}

async function ninetyDayQueries(doc: ReturnType<typeof createDocumentClient>, tables: Record<TableName, string>): Promise<UsageBench['queries']> {
  const now = Date.parse('2026-11-26T23:30:00Z');
  const writer = createRollupWriter(doc, tables, { now: () => now });
  const reader = createRollupReader(doc, tables.usage, { now: () => now });
  const deltas: RollupDelta[] = [];
  for (let d = 0; d < 91; d++) {
    const day = new Date(now - d * DAY_MS).toISOString().slice(0, 10);
    deltas.push({ key: { granularity: 'day', dimension: 'all', period: day, value: '-' }, counters: dayCounters(1) });
    for (const model of MODELS)
      deltas.push({ key: { granularity: 'day', dimension: 'model', period: day, value: `openai:${model}` }, counters: dayCounters(1 / MODELS.length) });
    for (let h = 0; h < 24; h++) {
      const key: RollupKey = { granularity: 'hour', dimension: 'all', period: `${day}T${String(h).padStart(2, '0')}`, value: '-' };
      deltas.push({ key, counters: dayCounters(1 / 24) });
    }
  }
  // Seeded through the aggregator's own writes, as many rollups per transaction as it puts in one.
  let through = 0;
  for (let i = 0; i < deltas.length; i += MAX_ROLLUPS_PER_CHANGE) {
    const after = through === 0 ? undefined : String(through).padStart(40, '0');
    through++;
    await writer.apply({ accountId: 'acc-million', after, through: String(through).padStart(40, '0'), deltas: deltas.slice(i, i + MAX_ROLLUPS_PER_CHANGE) });
  }
  const timezones = (tz: string | undefined) => ({ timezone: async () => tz });
  const from = new Date(now - 89 * DAY_MS).toISOString();
  const cases = [
    { name: '90 days by day (UTC)', tz: undefined, query: { from } },
    { name: '90 days by day and model (UTC)', tz: undefined, query: { from, groupBy: 'model' as const } },
    { name: '90 days by day in Asia/Tokyo (from hours)', tz: 'Asia/Tokyo', query: { from } },
  ];
  const out: UsageBench['queries'] = [];
  for (const c of cases) {
    const service = createUsageService({ rollups: reader, timezones: timezones(c.tz), now: () => now });
    const times: number[] = [];
    let queries = 0;
    let items = 0;
    for (let round = 0; round < 7; round++) {
      const started = performance.now();
      const result = await service.usage('acc-million', 90, c.query);
      times.push(performance.now() - started);
      queries = result.queries;
      items = result.answer.series.length;
      if (result.answer.totals.requests < 89 * REQUESTS_PER_DAY) throw new Error(`${c.name}: the answer is missing days`);
    }
    times.sort((a, b) => a - b);
    out.push({ name: c.name, items, queries, medianMs: times[3] ?? 0 });
  }
  return out;
}

/** The figures as rows of the bench table. */
export function usageRows(bench: UsageBench): string[][] {
  const a = bench.aggregator;
  return [
    ['— usage analytics on DynamoDB Local (bench/usage.ts)', '', '', '', ''],
    [`aggregator: ${a.records} records in batches of ${BATCH}`, '', `${a.recordsPerSecond.toFixed(0)} records/s`, '', ''],
    ['aggregator: items written per record', '', a.writesPerRecord.toFixed(3), `${a.transactions} transactions`, ''],
    ...bench.queries.map((q) => [`usage query: ${q.name}`, '', `${q.medianMs.toFixed(1)} ms`, `${q.queries} queries, ${q.items} points`, '']),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dynamo = await startDynamoDbLocal();
  try {
    const rows = usageRows(await measureUsage(dynamo.endpoint));
    for (const row of rows) console.log(row.filter((cell) => cell !== '').join('  '));
  } finally {
    await dynamo.stop();
  }
}
