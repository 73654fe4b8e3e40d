import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateKeyStore, StoredStateKey } from '../crypto/account-state-keys.js';
import { ITEM, isConditionFailure } from './accounts-items.js';

/** Accounts' state keys in the `accounts` table (layout: accounts-items.ts). */
export function createStateKeyRepository(db: DynamoDBDocumentClient, table: string): StateKeyStore {
  async function get(accountId: string, consistent: boolean): Promise<StoredStateKey | undefined> {
    const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.stateKey(accountId), ConsistentRead: consistent }));
    return out.Item ? { wrappedKey: String(out.Item.wrappedKey), keyring: out.Item.keyring as StoredStateKey['keyring'] } : undefined;
  }

  return {
    get: (accountId) => get(accountId, false),

    async putIfAbsent(accountId, key) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...ITEM.stateKey(accountId), ...key, createdAt: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return key;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const standing = await get(accountId, true);
        if (!standing) throw err;
        return standing;
      }
    },
  };
}
