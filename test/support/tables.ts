import { randomUUID } from 'node:crypto';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ensureTables, localDynamoDbClient, tableNamesFor } from '../../lib/local/dynamodb-local.js';
import { TABLE_NAMES, tableEnvVar, type TableName } from '../../lambdas/store/tables.js';

/** Fresh tables on the run's DynamoDB Local, named uniquely for this test file, with their env vars set. */
export async function createTestTables(): Promise<{ endpoint: string; tables: Record<TableName, string> }> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run tests through jest (test/support/global-setup.ts)');
  const tables = tableNamesFor(`t${randomUUID().slice(0, 8)}`);
  const client = localDynamoDbClient(endpoint);
  await ensureTables(client, tables);
  client.destroy();
  for (const t of TABLE_NAMES) process.env[tableEnvVar(t)] = tables[t];
  return { endpoint, tables };
}

/** Every item of every table, for tests that prove what was (or was not) stored. */
export async function scanAllTables(endpoint: string, tables: Record<TableName, string>): Promise<Record<TableName, Record<string, unknown>[]>> {
  const client = localDynamoDbClient(endpoint);
  try {
    const entries = await Promise.all(
      TABLE_NAMES.map(async (t) => {
        const items: Record<string, unknown>[] = [];
        let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
        do {
          const page = await client.send(new ScanCommand({ TableName: tables[t], ConsistentRead: true, ExclusiveStartKey }));
          items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return [t, items] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<TableName, Record<string, unknown>[]>;
  } finally {
    client.destroy();
  }
}
