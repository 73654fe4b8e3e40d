// Jest loads global setup outside its module system, so TypeScript is loaded here through tsx.
import { register } from 'tsx/esm/api';

/**
 * One in-memory DynamoDB Local for the whole run; its endpoint reaches the test workers through the environment.
 * Each test file creates its own tables under a unique prefix (test/support/tables.ts).
 */
export default async function globalSetup() {
  const unregister = register();
  const { startDynamoDbLocal } = await import('../../lib/local/dynamodb-local.ts');
  await unregister();
  const ddb = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = ddb.endpoint;
  globalThis.__ROUKEY_DDB__ = ddb;
}
