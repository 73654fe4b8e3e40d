import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createS3ExportFiles } from '../../lambdas/export/s3-export-files.js';
import { EXPORT_LIMITS } from '../../lambdas/export/ports.js';
import { s3ClientFor } from '../../lambdas/profile/s3-avatar-storage.js';
import { createExportStatusStore } from '../../lambdas/store/accounts-exports.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { startLocalS3, type LocalS3 } from '../../lib/local/s3-local.js';
import { createTestTables } from '../support/tables.js';

const BUCKET = 'roukey-test-exports';
let db: DynamoDBDocumentClient;
let accounts: string;
let s3: LocalS3;
let s3Dir: string;

beforeAll(async () => {
  const created = await createTestTables();
  accounts = created.tables.accounts;
  db = DynamoDBDocumentClient.from(localDynamoDbClient(created.endpoint));
  s3Dir = mkdtempSync(join(tmpdir(), 'roukey-exports-'));
  s3 = await startLocalS3({ directory: s3Dir, buckets: [BUCKET] });
});

afterAll(async () => {
  db?.destroy();
  await s3?.stop();
  rmSync(s3Dir, { recursive: true, force: true });
});

describe('export status items', () => {
  it('P18: of ten concurrent requests exactly one passes; the rest are told one is in flight', async () => {
    const store = createExportStatusStore(db, accounts);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => store.start('acc_race', `exp_race${i}`)));
    expect(outcomes.filter((o) => o === undefined)).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'export_in_progress')).toHaveLength(9);
  });

  it('P18: five a UTC day, each after the last ended; the sixth is refused; the next day starts afresh', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const store = createExportStatusStore(db, accounts, { now: () => now });
    for (let i = 0; i < EXPORT_LIMITS.perDay; i++) {
      expect(await store.start('acc_day', `exp_day${i}`)).toBeUndefined();
      expect(await store.update('acc_day', `exp_day${i}`, { status: 'ready', progress: 100, sizeBytes: 10 })).toBe(true);
      await store.release('acc_day', `exp_day${i}`);
    }
    expect(await store.start('acc_day', 'exp_day5')).toBe('export_daily_limit');
    now += 86_400_000;
    expect(await store.start('acc_day', 'exp_day6')).toBeUndefined();
  });

  it('a ready export stays ready; a job gone past its stale time reads as failed and frees the slot', async () => {
    let now = Date.parse('2026-12-02T10:00:00Z');
    const store = createExportStatusStore(db, accounts, { now: () => now });
    expect(await store.start('acc_stale', 'exp_a')).toBeUndefined();
    expect(await store.update('acc_stale', 'exp_a', { status: 'running', progress: 40 })).toBe(true);
    expect(await store.get('acc_stale', 'exp_a')).toMatchObject({ status: 'running', progress: 40 });
    now += (EXPORT_LIMITS.staleAfterSeconds + 1) * 1000;
    expect(await store.get('acc_stale', 'exp_a')).toMatchObject({ status: 'failed' });
    expect(await store.start('acc_stale', 'exp_b')).toBeUndefined();
    expect(await store.update('acc_stale', 'exp_b', { status: 'ready', progress: 100, sizeBytes: 5 })).toBe(true);
    expect(await store.update('acc_stale', 'exp_b', { status: 'running', progress: 0 })).toBe(false);
    expect(await store.get('acc_stale', 'exp_b')).toMatchObject({ status: 'ready', sizeBytes: 5 });
    // Another account finds nothing under the same id.
    expect(await store.get('acc_other', 'exp_b')).toBeUndefined();
  });

  it('P18: the status items expire with the file, 7 days on', async () => {
    const now = Date.parse('2026-12-03T10:00:00Z');
    const store = createExportStatusStore(db, accounts, { now: () => now });
    expect(await store.start('acc_ttl', 'exp_ttl')).toBeUndefined();
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: accounts,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': 'ACCOUNT#acc_ttl', ':s': 'EXPORT#' },
      }),
    );
    expect(Items[0]?.expiresAt).toBe(now / 1000 + 7 * 86_400);
  });
});

describe('export files on the S3 protocol', () => {
  it('streams a file larger than one part as a multipart upload, and the presigned link serves it', async () => {
    const client = s3ClientFor({ region: 'us-east-1', endpoint: s3.endpoint });
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const files = createS3ExportFiles({ region: 'us-east-1', bucket: BUCKET, endpoint: s3.endpoint }, client);
    // 20 MiB in 1 MiB pieces: three parts of 8 MiB at most; never one buffer of the whole.
    const piece = Buffer.alloc(1024 * 1024, 'a');
    let produced = 0;
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 20; i++) {
          produced++;
          yield piece;
        }
      })(),
    );
    const { sizeBytes } = await files.write('exports/acc_big/exp_big.json.gz', body);
    expect(produced).toBe(20);
    expect(sizeBytes).toBe(20 * 1024 * 1024);
    expect(commands.filter((c) => c !== 'UploadPartCommand')).toEqual(['CreateMultipartUploadCommand', 'CompleteMultipartUploadCommand', 'HeadObjectCommand']);
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    // A HEAD, not a GET whose body nobody reads: an unread 20 MiB answer outlives the test, and the local S3 server
    // then logs after jest's end, which fails the run.
    const stored = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'exports/acc_big/exp_big.json.gz' }));
    expect(stored.ContentLength).toBe(sizeBytes);
    const url = await files.downloadUrl('exports/acc_big/exp_big.json.gz', 'export.json.gz');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('export.json.gz');
    expect((await res.arrayBuffer()).byteLength).toBe(sizeBytes);
    client.destroy();
  });
});
