import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountStore } from '../accounts/account-service.js';
import { ITEM, isConditionFailure, isTransactionConflict } from './accounts-items.js';

/** Identity → account items and account profiles in the `accounts` table (layout: accounts-items.ts). */
export function createAccountRepository(db: DynamoDBDocumentClient, table: string): AccountStore {
  return {
    async findAccountId(sub, options = {}) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.user(sub), ConsistentRead: options.consistent ?? false }));
      return out.Item?.accountId as string | undefined;
    },

    async createAccount(sub, accountId, createdAt) {
      try {
        // The USER# item's condition is what makes creation idempotent: only one claim of `sub` can win.
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { ...ITEM.user(sub), accountId, createdAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: table, Item: { ...ITEM.profile(accountId), accountId, sub, createdAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
        return true;
      } catch (err) {
        // Lost to a concurrent claim, or collided with it mid-flight: the caller re-reads and retries.
        if (isConditionFailure(err) || isTransactionConflict(err)) return false;
        throw err;
      }
    },
  };
}
