import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, ApiKeyStore } from '../keys/key-stores.js';
import { API_KEY_PREFIX, ITEM, isConditionFailure, queryAccountItems } from './accounts-items.js';

/** RouKey API keys and their hash lookup items in the `accounts` table (layout: accounts-items.ts). */
export function createApiKeyRepository(db: DynamoDBDocumentClient, table: string): ApiKeyStore {
  return {
    async create(accountId, record) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...ITEM.apiKey(accountId, record.id), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: table,
                Item: { ...ITEM.apiKeyLookup(record.keyHash), accountId, apiKeyId: record.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    },

    async list(accountId) {
      return (await queryAccountItems(db, table, accountId, API_KEY_PREFIX)).map(toRecord);
    },

    async remove(accountId, id) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.apiKey(accountId, id), ConsistentRead: true }));
      if (!out.Item) return false;
      const keyHash = out.Item.keyHash as string;
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: table, Key: ITEM.apiKey(accountId, id), ConditionExpression: 'attribute_exists(pk)' } },
              { Delete: { TableName: table, Key: ITEM.apiKeyLookup(keyHash) } },
            ],
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async lookup(keyHash) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.apiKeyLookup(keyHash) }));
      if (!out.Item) return undefined;
      return { accountId: out.Item.accountId as string, apiKeyId: out.Item.apiKeyId as string };
    },

    async touch(accountId, apiKeyId, now, notAfter) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: ITEM.apiKey(accountId, apiKeyId),
            UpdateExpression: 'SET lastUsedAt = :now',
            // Exists (a revoked key is not resurrected) and not already touched within the last minute.
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :notAfter)',
            ExpressionAttributeValues: { ':now': now, ':notAfter': notAfter },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as ApiKeyRecord;
}
