import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { TABLES, TABLE_NAMES, type TableSpec } from '../../lambdas/store/tables.js';
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
