import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, ApiKeyStore, BindResult } from '../keys/key-stores.js';
import {
  API_KEY_PREFIX,
  ITEM,
  RACED,
  countRefusal,
  countUpdate,
  isConditionFailure,
  queryAccountItems,
  setMemberUpdate,
  transact,
  untilSettled,
} from './accounts-items.js';
import { activityStamp } from './accounts-profiles.js';

// A config cannot be deleted while a key is bound to it, so this means the items were changed by hand.
const BROKEN_BINDING = 'An API key is bound to a config that does not exist';

/** RouKey API keys and their hash lookup items in the `accounts` table (layout: accounts-items.ts). */
export function createApiKeyRepository(db: DynamoDBDocumentClient, table: string): ApiKeyStore {
  async function get(accountId: string, id: string): Promise<ApiKeyRecord | undefined> {
    const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.apiKey(accountId, id), ConsistentRead: true }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  /** The key's binding in a condition: the write applies only to the binding that was read. */
  function boundTo(config: string | undefined) {
    return config === undefined
      ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(config)' }
      : { ConditionExpression: 'attribute_exists(pk) AND config = :bound', ExpressionAttributeValues: { ':bound': config } };
  }

  return {
    create(accountId, record, limit) {
      return untilSettled(async () => {
        const failed = await transact(db, [
          { Put: { TableName: table, Item: { ...ITEM.apiKey(accountId, record.id), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: table,
              Item: { ...ITEM.apiKeyLookup(record.keyHash), accountId, apiKeyId: record.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          countUpdate(table, accountId, 'apiKeys', 1, limit),
        ]);
        if (!failed) return 'created' as const;
        // Ids and keys are random (128 and 256 bits): only the count can refuse.
        if (failed.includes(2)) return countRefusal(db, table, accountId, 'apiKeys');
        throw new Error('An API key write collided with an existing key');
      });
    },

    async list(accountId) {
      return (await queryAccountItems(db, table, accountId, API_KEY_PREFIX)).map(toRecord);
    },

    remove(accountId, id) {
      return untilSettled(async () => {
        const old = await get(accountId, id);
        if (!old) return false;
        const failed = await transact(db, [
          { Delete: { TableName: table, Key: ITEM.apiKey(accountId, id), ...boundTo(old.config) } },
          { Delete: { TableName: table, Key: ITEM.apiKeyLookup(old.keyHash) } },
          countUpdate(table, accountId, 'apiKeys', -1),
          // The config's record of its bound keys lets it go once no key names it.
          ...(old.config === undefined ? [] : [setMemberUpdate(table, ITEM.config(accountId, old.config), 'boundKeys', 'DELETE', id)]),
        ]);
        if (!failed) return true;
        if (failed.includes(0)) return RACED;
        // The counter was not seeded yet: seeded now, the delete runs again.
        if (failed.includes(2)) return countRefusal(db, table, accountId, 'apiKeys').then(() => RACED);
        throw new Error(BROKEN_BINDING);
      });
    },

    async rename(accountId, id, name) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: ITEM.apiKey(accountId, id),
            UpdateExpression: 'SET #name = :name',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: { ':name': name },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes ? toRecord(out.Attributes) : undefined;
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    bindConfig(accountId, id, config) {
      return untilSettled<BindResult>(async () => {
        const old = await get(accountId, id);
        if (!old) return { status: 'absent' };
        const next = config ?? undefined;
        if (next === old.config) return { status: 'bound', record: old };
        const set =
          next === undefined
            ? { UpdateExpression: 'REMOVE config' }
            : { UpdateExpression: 'SET config = :config', ExpressionAttributeValues: { ':config': next } };
        const guard = boundTo(old.config);
        const failed = await transact(db, [
          {
            Update: {
              TableName: table,
              Key: ITEM.apiKey(accountId, id),
              ...set,
              ConditionExpression: guard.ConditionExpression,
              ExpressionAttributeValues: { ...set.ExpressionAttributeValues, ...guard.ExpressionAttributeValues },
            },
          },
          // The router's authenticator reads only the lookup item, so it carries the binding too.
          { Update: { TableName: table, Key: ITEM.apiKeyLookup(old.keyHash), ...set, ConditionExpression: 'attribute_exists(pk)' } },
          ...(next === undefined ? [] : [setMemberUpdate(table, ITEM.config(accountId, next), 'boundKeys', 'ADD', id)]),
          ...(old.config === undefined ? [] : [setMemberUpdate(table, ITEM.config(accountId, old.config), 'boundKeys', 'DELETE', id)]),
        ]);
        if (!failed) return { status: 'bound', record: { ...old, config: next } };
        // The key was rebound or revoked since the read.
        if (failed.includes(0) || failed.includes(1)) return RACED;
        if (next !== undefined && failed.includes(2)) return { status: 'no_config' };
        throw new Error(BROKEN_BINDING);
      });
    },

    async lookup(keyHash) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.apiKeyLookup(keyHash) }));
      if (!out.Item) return undefined;
      const config = out.Item.config as string | undefined;
      return { accountId: out.Item.accountId as string, apiKeyId: out.Item.apiKeyId as string, ...(config === undefined ? {} : { config }) };
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
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
      // The account's last activity rides on the key's stamp: at most one more write per key and interval, and
      // fewer, as the condition skips it when another key of the account stamped it within the interval.
      try {
        await db.send(new UpdateCommand(activityStamp(table, accountId, now, notAfter)));
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      return true;
    },
  };
}

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as ApiKeyRecord;
}
