import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTables, tableNamesFor } from '../../lib/local/dynamodb-local.js';
import { TABLE_NAMES, tableEnvVar, type TableName } from '../../lambdas/store/tables.js';

/** Fresh tables on the run's DynamoDB Local, named uniquely for this test file, with their env vars set. */
export async function createTestTables(): Promise<{ endpoint: string; tables: Record<TableName, string> }> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run tests through jest (test/support/global-setup.ts)');
  const tables = tableNamesFor(`t${randomUUID().slice(0, 8)}`);
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTables(client, tables);
  client.destroy();
  for (const t of TABLE_NAMES) process.env[tableEnvVar(t)] = tables[t];
  return { endpoint, tables };
}
