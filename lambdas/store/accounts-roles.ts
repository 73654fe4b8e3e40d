import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RoleRecord, RoleStore } from '../configs/config-stores.js';
import type { RoleDefinition } from '../routing/config-schema.js';
import {
  ITEM,
  RACED,
  ROLE_PREFIX,
  countRefusal,
  countUpdate,
  isConditionFailure,
  queryAccountItems,
  setMembers,
  transact,
  untilSettled,
} from './accounts-items.js';

/** Custom roles and overrides of built-in roles in the `accounts` table (layout: accounts-items.ts). */
export function createRoleRepository(db: DynamoDBDocumentClient, table: string): RoleStore {
  async function get(accountId: string, name: string): Promise<RoleRecord | undefined> {
    const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.role(accountId, name), ConsistentRead: true }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  return {
    get,

    async list(accountId, options = {}) {
      return (await queryAccountItems(db, table, accountId, ROLE_PREFIX, options)).map(toRecord);
    },

    create(accountId, role, now, limit) {
      const put = {
        Put: {
          TableName: table,
          Item: { ...ITEM.role(accountId, role.name), role, createdAt: now, updatedAt: now },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      // Concurrent creates meet on the COUNTS item; a transaction that lost that race runs again.
      return untilSettled(async () => {
        const failed = await transact(db, limit === undefined ? [put] : [put, countUpdate(table, accountId, 'customRoles', 1, limit)]);
        if (!failed) return { status: 'created', record: { role, createdAt: now, updatedAt: now, usedBy: [] } } as const;
        return failed.includes(0) ? ({ status: 'exists' } as const) : countRefusal(db, table, accountId, 'customRoles');
      });
    },

    async replace(accountId, role, now) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: ITEM.role(accountId, role.name),
            // Only the definition changes: usedBy belongs to the configs that use the role.
            UpdateExpression: 'SET #role = :role, updatedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':role': role, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes ? toRecord(out.Attributes) : undefined;
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    remove(accountId, name, counted) {
      return untilSettled(async () => {
        const old = await get(accountId, name);
        if (!old) return { status: 'absent' } as const;
        if (old.usedBy.length > 0) return { status: 'used', usedBy: old.usedBy } as const;
        const del = {
          Delete: {
            TableName: table,
            Key: ITEM.role(accountId, name),
            // A config that started using the role since the read sends this round back to the read.
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedBy)',
          },
        };
        const failed = await transact(db, counted ? [del, countUpdate(table, accountId, 'customRoles', -1)] : [del]);
        return failed ? RACED : ({ status: 'removed' } as const);
      });
    },
  };
}

function toRecord(item: Record<string, unknown>): RoleRecord {
  return { role: item.role as RoleDefinition, createdAt: item.createdAt as string, updatedAt: item.updatedAt as string, usedBy: setMembers(item.usedBy) };
}
