import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NoticeMarkers } from '../notices/notice-once.js';
import { ITEM, isConditionFailure } from './accounts-items.js';

/** The NOTICE# items of the `accounts` table (layout: accounts-items.ts): one per notice an account was sent once. */
export function createNoticeMarkers(db: DynamoDBDocumentClient, table: string): NoticeMarkers {
  return {
    async claim(accountId, notice, at) {
      try {
        await db.send(
          new PutCommand({ TableName: table, Item: { ...ITEM.notice(accountId, notice), sentAt: at }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async release(accountId, notice) {
      await db.send(new DeleteCommand({ TableName: table, Key: ITEM.notice(accountId, notice) }));
    },
  };
}
