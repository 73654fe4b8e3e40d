import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProviderKeyRecord, ProviderKeyStore } from '../keys/key-stores.js';
import { ITEM, PROVIDER_KEY_PREFIX, RACED, countRefusal, countUpdate, queryAccountItems, setMembers, transact, untilSettled } from './accounts-items.js';

/** Provider keys in the `accounts` table (layout: accounts-items.ts). */
export function createProviderKeyRepository(db: DynamoDBDocumentClient, table: string): ProviderKeyStore {
  async function get(accountId: string, id: string, consistent = false): Promise<ProviderKeyRecord | undefined> {
    const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.providerKey(accountId, id), ConsistentRead: consistent }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  return {
    create(accountId, record, limit) {
      return untilSettled(async () => {
        const failed = await transact(db, [
          { Put: { TableName: table, Item: { ...ITEM.providerKey(accountId, record.id), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: table,
              Item: { ...ITEM.providerKeyName(accountId, record.name), providerKeyId: record.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          countUpdate(table, accountId, 'providerKeys', 1, limit),
        ]);
        if (!failed) return 'created' as const;
        // The plan's count first: a new name would not help.
        if (failed.includes(2)) return countRefusal(db, table, accountId, 'providerKeys');
        // Ids are random (128 bits), so otherwise the name is taken.
        return 'name_taken' as const;
      });
    },

    async list(accountId) {
      return (await queryAccountItems(db, table, accountId, PROVIDER_KEY_PREFIX)).map(toRecord);
    },

    get: (accountId, id) => get(accountId, id, true),

    async update(accountId, before, after) {
      const renamed = before.name !== after.name;
      const failed = await transact(db, [
        {
          Put: {
            TableName: table,
            Item: { ...ITEM.providerKey(accountId, after.id), ...after },
            ...unchangedSince(before),
          },
        },
        ...(renamed
          ? [
              {
                Delete: {
                  TableName: table,
                  Key: ITEM.providerKeyName(accountId, before.name),
                  ConditionExpression: 'providerKeyId = :id AND attribute_not_exists(usedBy)',
                  ExpressionAttributeValues: { ':id': before.id },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { ...ITEM.providerKeyName(accountId, after.name), providerKeyId: after.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
      ]);
      if (!failed) return 'updated';
      if (failed.includes(0)) return (await get(accountId, before.id, true)) ? 'changed' : 'absent';
      if (failed.includes(2)) return 'name_taken';
      const claim = (await db.send(new GetCommand({ TableName: table, Key: ITEM.providerKeyName(accountId, before.name), ConsistentRead: true }))).Item;
      return { usedBy: setMembers(claim?.usedBy) };
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
        const failed = await transact(db, [
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
          countUpdate(table, accountId, 'providerKeys', -1),
        ]);
        if (!failed) return true;
        // The counter was not seeded yet: seeded now, the delete runs again.
        if (failed.includes(2) && failed.length === 1) return countRefusal(db, table, accountId, 'providerKeys').then(() => RACED);
        const claim = (await db.send(new GetCommand({ TableName: table, Key: ITEM.providerKeyName(accountId, existing.name), ConsistentRead: true }))).Item;
        if (claim?.providerKeyId === id) return claim.usedBy ? { name: existing.name, usedBy: setMembers(claim.usedBy) } : RACED;
        // A concurrent delete won; make sure the key item is gone either way.
        await db.send(new DeleteCommand({ TableName: table, Key: ITEM.providerKey(accountId, id) }));
        return false;
      });
    },
  };
}

/** The condition that the key item still holds exactly what was read: each attribute equal, or absent as it was. */
function unchangedSince(record: ProviderKeyRecord) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses = ['attribute_exists(pk)'];
  for (const [i, attribute] of ['name', 'provider', 'baseUrl', 'region', 'ciphertext', 'contextVersion'].entries()) {
    names[`#a${i}`] = attribute;
    const value = record[attribute as keyof ProviderKeyRecord];
    if (value === undefined) clauses.push(`attribute_not_exists(#a${i})`);
    else {
      clauses.push(`#a${i} = :a${i}`);
      values[`:a${i}`] = value;
    }
  }
  return { ConditionExpression: clauses.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

function toRecord(item: Record<string, unknown>): ProviderKeyRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as ProviderKeyRecord;
}
