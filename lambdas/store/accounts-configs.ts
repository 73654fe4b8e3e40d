import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfigRecord, ConfigRefs, ConfigStore, ConfigWrite, MissingRef } from '../configs/config-stores.js';
import type { RoutingConfig } from '../routing/config-schema.js';
import {
  CONFIG_PREFIX,
  ITEM,
  RACED,
  countRefusal,
  countUpdate,
  queryAccountItems,
  setMemberUpdate,
  setMembers,
  transact,
  untilSettled,
} from './accounts-items.js';

/** Routing configs in the `accounts` table, with their references kept on the referenced items (layout: accounts-items.ts). */
export function createConfigRepository(db: DynamoDBDocumentClient, table: string): ConfigStore {
  async function get(accountId: string, name: string, consistent: boolean): Promise<ConfigRecord | undefined> {
    const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.config(accountId, name), ConsistentRead: consistent }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  /** One usedBy update per reference, in the order of `refList`. */
  function refUpdates(accountId: string, refs: readonly Ref[], op: 'ADD' | 'DELETE', configName: string) {
    return refs.map((ref) => setMemberUpdate(table, refKey(accountId, ref), 'usedBy', op, configName));
  }

  /** The first added reference whose item was missing; any other failed condition means the bookkeeping is broken. */
  function missingRef(failed: number[], offset: number, added: readonly Ref[]): MissingRef {
    const ref = added[Math.min(...failed) - offset];
    if (!ref) throw new Error('A config write failed on an item it does not add');
    return { status: 'missing', ...ref };
  }

  return {
    get: (accountId, name, options = {}) => get(accountId, name, options.consistent ?? false),

    async list(accountId) {
      return (await queryAccountItems(db, table, accountId, CONFIG_PREFIX, { consistent: true })).map(toRecord);
    },

    create(accountId, config, refs, now, limit) {
      const record: ConfigRecord = { config, refs, revision: 1, createdAt: now, updatedAt: now, boundKeys: [] };
      const added = refList(refs);
      // Concurrent creates meet on the COUNTS item; a transaction that lost that race runs again.
      return untilSettled<ConfigWrite>(async () => {
        const failed = await transact(db, [
          { Put: { TableName: table, Item: { ...ITEM.config(accountId, config.name), ...toItem(record) }, ConditionExpression: 'attribute_not_exists(pk)' } },
          countUpdate(table, accountId, 'configs', 1, limit),
          ...refUpdates(accountId, added, 'ADD', config.name),
        ]);
        if (!failed) return { status: 'written', record };
        // A missing reference is the client's to fix first (400), whatever else failed.
        if (failed.some((i) => i >= 2))
          return missingRef(
            failed.filter((i) => i >= 2),
            2,
            added,
          );
        return failed.includes(1) ? countRefusal(db, table, accountId, 'configs') : { status: 'exists' };
      });
    },

    replace(accountId, config, refs, now) {
      return untilSettled<ConfigWrite>(async () => {
        const old = await get(accountId, config.name, true);
        if (!old) return { status: 'absent' };
        const added = refList(refs).filter((r) => !hasRef(old.refs, r));
        const removed = refList(old.refs).filter((r) => !hasRef(refs, r));
        const failed = await transact(db, [
          {
            Update: {
              TableName: table,
              Key: ITEM.config(accountId, config.name),
              UpdateExpression: 'SET #config = :config, refs = :refs, updatedAt = :now, revision = :next',
              ConditionExpression: 'revision = :revision',
              ExpressionAttributeNames: { '#config': 'config' },
              ExpressionAttributeValues: { ':config': config, ':refs': refs, ':now': now, ':next': old.revision + 1, ':revision': old.revision },
            },
          },
          ...refUpdates(accountId, added, 'ADD', config.name),
          ...refUpdates(accountId, removed, 'DELETE', config.name),
        ]);
        if (!failed) return { status: 'written', record: { ...old, config, refs, updatedAt: now, revision: old.revision + 1 } };
        if (failed.includes(0)) return RACED;
        return missingRef(failed, 1, added);
      });
    },

    remove(accountId, name) {
      return untilSettled(async () => {
        const old = await get(accountId, name, true);
        if (!old) return { status: 'absent' } as const;
        if (old.boundKeys.length > 0) return { status: 'bound', boundKeys: old.boundKeys } as const;
        const failed = await transact(db, [
          {
            Delete: {
              TableName: table,
              Key: ITEM.config(accountId, name),
              // A key bound since the read, or a replace that changed the references, sends this round back to the read.
              ConditionExpression: 'revision = :revision AND attribute_not_exists(boundKeys)',
              ExpressionAttributeValues: { ':revision': old.revision },
            },
          },
          countUpdate(table, accountId, 'configs', -1),
          ...refUpdates(accountId, refList(old.refs), 'DELETE', name),
        ]);
        if (!failed) return { status: 'removed' } as const;
        if (failed.includes(0)) return RACED;
        throw new Error('A config delete failed on a referenced item');
      });
    },
  };
}

type Ref = Omit<MissingRef, 'status'>;

function refList(refs: ConfigRefs): Ref[] {
  return [
    ...refs.providerKeys.map((name) => ({ kind: 'providerKey' as const, name })),
    ...refs.customRoles.map((name) => ({ kind: 'customRole' as const, name })),
  ];
}

function hasRef(refs: ConfigRefs, ref: Ref): boolean {
  return (ref.kind === 'providerKey' ? refs.providerKeys : refs.customRoles).includes(ref.name);
}

function refKey(accountId: string, ref: Ref) {
  return ref.kind === 'providerKey' ? ITEM.providerKeyName(accountId, ref.name) : ITEM.role(accountId, ref.name);
}

function toItem(record: ConfigRecord): Record<string, unknown> {
  // boundKeys lives only as a string set that binding transactions add to (an empty set cannot be stored).
  const { boundKeys: _boundKeys, ...item } = record;
  return item;
}

function toRecord(item: Record<string, unknown>): ConfigRecord {
  return {
    config: item.config as RoutingConfig,
    refs: item.refs as ConfigRefs,
    revision: item.revision as number,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    boundKeys: setMembers(item.boundKeys),
  };
}
