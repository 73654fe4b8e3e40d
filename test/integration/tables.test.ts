import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { ensureTables, localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { ACCOUNTS_INDEX, TABLES, TABLE_NAMES, type TableSpec } from '../../lambdas/store/tables.js';
import { createTestTables } from '../support/tables.js';

describe('table specs on DynamoDB Local', () => {
  it('creates every table with TTL where items expire and a stream on activity', async () => {
    const { endpoint, tables } = await createTestTables();
    const client = localDynamoDbClient(endpoint);
    for (const t of TABLE_NAMES) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tables[t] }));
      const spec: TableSpec = TABLES[t];
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(spec.ttlAttribute);
    }
    const activity = await client.send(new DescribeTableCommand({ TableName: tables.activity }));
    expect(activity.Table?.StreamSpecification?.StreamViewType).toBe('NEW_IMAGE');
    client.destroy();
  });
});

describe('secondary indexes on DynamoDB Local', () => {
  it('creates the accounts listing index with the table, and adds it to a table made before it existed', async () => {
    const { endpoint, tables } = await createTestTables();
    const client = localDynamoDbClient(endpoint);
    const indexOf = async (table: string) => (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.GlobalSecondaryIndexes ?? [];
    expect((await indexOf(tables.accounts)).map((i) => [i.IndexName, i.Projection?.ProjectionType])).toEqual([[ACCOUNTS_INDEX, 'KEYS_ONLY']]);

    const older = { ...tables, accounts: `${tables.accounts}-old` };
    await client.send(
      new CreateTableCommand({
        TableName: older.accounts,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await ensureTables(client, older);
    await ensureTables(client, older);
    expect((await indexOf(older.accounts)).map((i) => i.IndexName)).toEqual([ACCOUNTS_INDEX]);
    client.destroy();
  });
});
