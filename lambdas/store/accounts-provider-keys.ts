import { DeleteCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProviderKeyRecord, ProviderKeyStore } from '../keys/key-stores.js';
import { ITEM, PROVIDER_KEY_PREFIX, RACED, isConditionFailure, queryAccountItems, setMembers, untilSettled } from './accounts-items.js';

/** Provider keys in the `accounts` table (layout: accounts-items.ts). */
export function createProviderKeyRepository(db: DynamoDBDocumentClient, table: string): ProviderKeyStore {
  async function get(accountId: string, id: string, consistent = false): Promise<ProviderKeyRecord | undefined> {
    const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.providerKey(accountId, id), ConsistentRead: consistent }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  return {
    async create(accountId, record) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { ...ITEM.providerKey(accountId, record.id), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: table,
                  Item: { ...ITEM.providerKeyName(accountId, record.name), providerKeyId: record.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return 'created';
      } catch (err) {
        // Ids are random (128 bits), so a failed condition means the name is taken.
        if (isConditionFailure(err)) return 'name_taken';
        throw err;
      }
    },

    async list(accountId) {
      return (await queryAccountItems(db, table, accountId, PROVIDER_KEY_PREFIX)).map(toRecord);
    },

    async findByName(accountId, name) {
      const claim = await db.send(new GetCommand({ TableName: table, Key: ITEM.providerKeyName(accountId, name) }));
      const id = claim.Item?.providerKeyId as string | undefined;
      return id ? get(accountId, id) : undefined;
    },

    remove(accountId, id) {
      return untilSettled(async () => {
        const existing = await get(accountId, id, true);
        if (!existing) return false;
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                { Delete: { TableName: table, Key: ITEM.providerKey(accountId, id), ConditionExpression: 'attribute_exists(pk)' } },
                {
                  Delete: {
                    TableName: table,
                    Key: ITEM.providerKeyName(accountId, existing.name),
                    // usedBy: configs that name the key (kept in step by lambdas/store/accounts-configs.ts).
                    ConditionExpression: 'providerKeyId = :id AND attribute_not_exists(usedBy)',
                    ExpressionAttributeValues: { ':id': id },
                  },
                },
              ],
            }),
          );
          return true;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          const claim = (await db.send(new GetCommand({ TableName: table, Key: ITEM.providerKeyName(accountId, existing.name), ConsistentRead: true }))).Item;
          if (claim?.providerKeyId === id) return claim.usedBy ? { name: existing.name, usedBy: setMembers(claim.usedBy) } : RACED;
          // A concurrent delete won; make sure the key item is gone either way.
          await db.send(new DeleteCommand({ TableName: table, Key: ITEM.providerKey(accountId, id) }));
          return false;
        }
      });
    },
  };
}

function toRecord(item: Record<string, unknown>): ProviderKeyRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as ProviderKeyRecord;
}
