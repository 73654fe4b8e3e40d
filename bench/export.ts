import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { exportKey } from '../lambdas/export/ports.js';
import { s3ClientFor } from '../lambdas/profile/s3-avatar-storage.js';
import { accountPk, ITEM } from '../lambdas/store/accounts-items.js';
import { createExportStatusStore } from '../lambdas/store/accounts-exports.js';
import { requestSk } from '../lambdas/store/activity-repo.js';
import { queryItems } from '../lambdas/store/export-reads.js';
import { RETENTION, expiresAfterDays } from '../lambdas/store/retention.js';
import { TABLE_NAMES, tableEnvVar, type TableName } from '../lambdas/store/tables.js';
import { startFakeDynamoDb } from './fake-dynamodb.js';
import { ensureTables, LOCAL_REGION, localDynamoDbClient, startDynamoDbLocal, tableNamesFor } from '../lib/local/dynamodb-local.js';
import { startLocalS3 } from '../lib/local/s3-local.js';

/**
 * The export job (P18) on an account with many request records, on DynamoDB Local and the local S3 server: the
 * records are seeded with parallel BatchWriteItem calls, then the job's Lambda handler runs alone in a child process
 * (bench/export-job-process.ts) so its peak RSS is the job's own. Run alone with `npx tsx bench/export.ts [records]`;
 * `npm run bench` runs it too (EXPORT_BENCH_RECORDS sets the count).
 */
export interface ExportRun {
  readonly records: number;
  readonly seconds: number;
  /** CPU time the job's process spent (the rest of its time it waited on DynamoDB and S3). */
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly sizeBytes: number;
  /** Request records found in the downloaded file, counted as it streams. */
  readonly exported: number;
}

export interface ExportBench {
  /** The whole path on DynamoDB Local, with the seeding's time and the same records read by bare Queries. */
  readonly local: ExportRun & { readonly seedSeconds: number; readonly readSeconds: number };
  /** A million records (by default) served from memory by bench/fake-dynamodb.ts: RouKey's own cost. */
  readonly atScale: ExportRun;
}

const BATCH = 25;
const IN_FLIGHT = 16;
const DAY_MS = 86_400_000;
const ACCOUNT = 'acc_benchexport000000000000';
const EXPORT_ID = 'exp_benchexport00000000000';
const BUCKET = 'roukey-bench-exports';
const execFileAsync = promisify(execFile);

export async function measureExport(
  endpoint: string,
  counts = { local: Number(process.env.EXPORT_BENCH_LOCAL_RECORDS ?? 20_000), atScale: Number(process.env.EXPORT_BENCH_RECORDS ?? 1_000_000) },
): Promise<ExportBench> {
  return { local: await onDynamoDbLocal(endpoint, counts.local), atScale: await onFakeDynamoDb(counts.atScale) };
}

async function onDynamoDbLocal(endpoint: string, records: number): Promise<ExportBench['local']> {
  const client = localDynamoDbClient(endpoint);
  const db = DynamoDBDocumentClient.from(client);
  const tables = tableNamesFor(`bench-export-${Date.now()}`);
  try {
    await ensureTables(client, tables);
    const seedStarted = performance.now();
    await db.send(
      new PutCommand({
        TableName: tables.accounts,
        Item: { ...ITEM.profile(ACCOUNT), accountId: ACCOUNT, plan: 'pro', status: 'active', createdAt: new Date().toISOString() },
      }),
    );
    await seedRequests(db, tables.activity, records);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await createExportStatusStore(db, tables.accounts).start(ACCOUNT, EXPORT_ID);
    const run = await runJob(endpoint, tables, records);
    const state = await createExportStatusStore(db, tables.accounts).get(ACCOUNT, EXPORT_ID);
    if (state?.status !== 'ready' || state.sizeBytes !== run.sizeBytes) throw new Error(`export ended ${state?.status}`);
    return { ...run, seedSeconds, readSeconds: await timeReads(db, tables.activity) };
  } finally {
    db.destroy();
  }
}

async function onFakeDynamoDb(records: number): Promise<ExportRun> {
  const now = Date.now();
  const fake = await startFakeDynamoDb({
    records,
    record: (i) => requestRecord(i, records, now),
    indexOf: (sk) => Number.parseInt(sk.slice(sk.lastIndexOf('#') + 'req_'.length + 1), 36),
    status: {
      ...ITEM.profile(ACCOUNT),
      sk: `EXPORT#${EXPORT_ID}`,
      exportId: EXPORT_ID,
      status: 'queued',
      progress: 0,
      createdAt: new Date(now).toISOString(),
      staleAt: now / 1000 + 3600,
    },
  });
  try {
    return await runJob(fake.endpoint, tableNamesFor('bench-fake'), records);
  } finally {
    await fake.close();
  }
}

/** Runs the job's handler in a child process against `endpoint` and a fresh local S3 server; checks the file. */
async function runJob(endpoint: string, tables: Record<TableName, string>, records: number): Promise<ExportRun> {
  const s3Dir = await mkdtemp(join(tmpdir(), 'roukey-bench-export-'));
  const s3 = await startLocalS3({ directory: s3Dir, buckets: [BUCKET] });
  try {
    const env = {
      ...process.env,
      ...Object.fromEntries(TABLE_NAMES.map((t) => [tableEnvVar(t), tables[t]])),
      AWS_REGION: LOCAL_REGION,
      DYNAMODB_ENDPOINT: endpoint,
      LOCAL_KEYRING_FILE: join(s3Dir, 'unused-keyring'),
      EXPORT_BUCKET: BUCKET,
      S3_ENDPOINT: s3.endpoint,
    };
    const script = fileURLToPath(new URL('./export-job-process.ts', import.meta.url));
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, ACCOUNT, EXPORT_ID], { env, maxBuffer: 1024 * 1024 });
    const run = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ms: number; cpuMs: number; maxRssKiB: number };
    const file = await readBack(s3.endpoint);
    if (file.exported !== records) throw new Error(`the file holds ${file.exported} of ${records} records`);
    return { records, seconds: run.ms / 1000, cpuSeconds: run.cpuMs / 1000, peakRssMiB: run.maxRssKiB / 1024, ...file };
  } finally {
    await s3.stop();
    await rm(s3Dir, { recursive: true, force: true });
  }
}

/** `records` request records of typical size, IN_FLIGHT batches of 25 at a time. */
async function seedRequests(db: DynamoDBDocumentClient, table: string, records: number): Promise<void> {
  const now = Date.now();
  const item = (i: number) => requestRecord(i, records, now);
  let next = 0;
  const worker = async () => {
    while (next < records) {
      const from = next;
      next = Math.min(records, next + BATCH);
      let pending = Array.from({ length: next - from }, (_, k) => ({ PutRequest: { Item: item(from + k) } }));
      while (pending.length > 0) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** The index-th of `records` request records of typical size, spread over the last 90 days in time order. */
function requestRecord(i: number, records: number, now: number): Record<string, unknown> {
  const span = RETENTION.requestMetadataDays * DAY_MS - DAY_MS;
  const startedAt = new Date(now - span + Math.floor((span * i) / records)).toISOString();
  const requestId = `req_${i.toString(36).padStart(8, '0')}`;
  return {
    pk: accountPk(ACCOUNT),
    sk: requestSk(startedAt, requestId),
    kind: 'request',
    accountId: ACCOUNT,
    requestId,
    apiKeyId: 'key_benchexport000000000000',
    startedAt,
    latencyMs: 420 + (i % 300),
    ttftMs: 180,
    status: 200,
    stream: i % 2 === 0,
    operation: 'chat',
    provider: 'openai',
    providerKeyId: 'pk_benchexport0000000000000',
    model: 'gpt-4o-mini',
    promptTokens: 512,
    completionTokens: 128,
    totalTokens: 640,
    costUsd: 0.000153,
    finishReason: 'stop',
    configName: 'bench',
    strategy: 'fallback',
    attempts: [{ target: 'fake/gpt-4o-mini', provider: 'openai', status: 200, latencyMs: 410, outcome: 'ok' }],
    expiresAt: expiresAfterDays(RETENTION.requestMetadataDays, now),
  };
}

/** Reads the account's request records with the job's paginated Query and nothing else. */
async function timeReads(db: DynamoDBDocumentClient, table: string): Promise<number> {
  const started = performance.now();
  let n = 0;
  for await (const _ of queryItems(db, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': accountPk(ACCOUNT) } })) n++;
  if (n === 0) throw new Error('no records read');
  return (performance.now() - started) / 1000;
}

/** Streams the export file back through gunzip, holding one chunk at a time: its size and its request records. */
async function readBack(endpoint: string): Promise<{ sizeBytes: number; exported: number }> {
  const s3 = s3ClientFor({ region: LOCAL_REGION, endpoint });
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: exportKey(ACCOUNT, EXPORT_ID) }));
    const marker = '"requestId":';
    let exported = 0;
    let tail = '';
    for await (const chunk of (out.Body as NodeJS.ReadableStream).pipe(createGunzip())) {
      const text = tail + (chunk as Buffer).toString('utf8');
      exported += text.split(marker).length - 1;
      tail = text.slice(-(marker.length - 1));
    }
    return { sizeBytes: out.ContentLength ?? 0, exported };
  } finally {
    s3.destroy();
  }
}

export function exportRows({ local, atScale }: ExportBench): string[][] {
  const n = (count: number) => count.toLocaleString('en');
  const run = (r: ExportRun) =>
    `${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s) / ${r.peakRssMiB.toFixed(0)} MiB / ${(r.sizeBytes / 1024 / 1024).toFixed(1)} MiB`;
  return [
    ['— data export (P18), one account: time (CPU) / peak RSS of the job / gzipped file (bench/export.ts)', '', '', '', ''],
    [`${n(atScale.records)} request records, DynamoDB answered from memory`, '', run(atScale), '', '≤ 15 min in one Lambda'],
    [`${n(local.records)} request records on DynamoDB Local`, '', run(local), '', ''],
    [
      `  seeding them (parallel BatchWriteItem) / reading them by bare Queries`,
      '',
      `${local.seedSeconds.toFixed(1)} s / ${local.readSeconds.toFixed(1)} s`,
      '',
      '',
    ],
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dynamo = await startDynamoDbLocal();
  try {
    const [local, atScale] = process.argv.slice(2).map(Number);
    const bench = await measureExport(dynamo.endpoint, { local: local || 20_000, atScale: atScale || 1_000_000 });
    for (const row of exportRows(bench)) console.log(row.filter((cell) => cell !== '').join('  '));
  } finally {
    await dynamo.stop();
  }
}
