import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OneTimeItems } from '../oidc/one-time-items.js';
import { ITEM } from './limits-items.js';

/** The GitHub OIDC provider's one-time items in the `limits` table (item design: limits-items.ts). */
export function createOneTimeItems(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): OneTimeItems {
  const now = options.now ?? Date.now;
  const key = (kind: 'AUTHZ' | 'CODE', secret: string) => ITEM.oneTime(kind, createHash('sha256').update(secret).digest('base64url'));
  return {
    async put(kind, secret, data, expiresAt) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...key(kind, secret), data, expiresAt },
          // A fresh random secret never collides; if one did, the first holder keeps it.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async take(kind, secret) {
      try {
        const out = await db.send(
          new DeleteCommand({ TableName: table, Key: key(kind, secret), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
        );
        const item = out.Attributes;
        if (!item || typeof item.expiresAt !== 'number' || item.expiresAt <= now() / 1000) return undefined;
        return item.data as Record<string, unknown>;
      } catch (err) {
        if ((err as { name?: string } | null)?.name === 'ConditionalCheckFailedException') return undefined;
        throw err;
      }
    },
  };
}
