import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Item design of the `accounts` table (the one place it is written down). Every key is a string; `#` separates
 * a kind from an id, and ids never contain `#` (they are base64url).
 *
 * | pk                       | sk                  | attributes                                                        |
 * |--------------------------|---------------------|-------------------------------------------------------------------|
 * | USER#<cognito sub>       | USER                | accountId, createdAt — the sign-in identity's account             |
 * | ACCOUNT#<accountId>      | PROFILE             | accountId, sub, createdAt                                         |
 * | ACCOUNT#<accountId>      | PKEY#<providerKeyId>| id, provider, name, hint, baseUrl?, ciphertext (envelope, P2), createdAt |
 * | ACCOUNT#<accountId>      | PKEYNAME#<name>     | providerKeyId — written in the same transaction, makes names unique |
 * | ACCOUNT#<accountId>      | APIKEY#<apiKeyId>   | id, name, hint, keyHash, createdAt, lastUsedAt?                   |
 * | APIKEYHASH#<sha256 hex>  | LOOKUP              | accountId, apiKeyId — the raw rk_ key itself is never stored      |
 *
 * Nothing here carries a TTL: account data lives while the account does (P9).
 */
export const ITEM = {
  user: (sub: string) => ({ pk: `USER#${sub}`, sk: 'USER' }),
  profile: (accountId: string) => ({ pk: accountPk(accountId), sk: 'PROFILE' }),
  providerKey: (accountId: string, providerKeyId: string) => ({ pk: accountPk(accountId), sk: `${PROVIDER_KEY_PREFIX}${providerKeyId}` }),
  providerKeyName: (accountId: string, name: string) => ({ pk: accountPk(accountId), sk: `PKEYNAME#${name}` }),
  apiKey: (accountId: string, apiKeyId: string) => ({ pk: accountPk(accountId), sk: `${API_KEY_PREFIX}${apiKeyId}` }),
  apiKeyLookup: (keyHash: string) => ({ pk: `APIKEYHASH#${keyHash}`, sk: 'LOOKUP' }),
} as const;

export const PROVIDER_KEY_PREFIX = 'PKEY#';
export const API_KEY_PREFIX = 'APIKEY#';

/** Every item of one kind (sk prefix) in an account's partition, all pages. */
export async function queryAccountItems(
  db: DynamoDBDocumentClient,
  table: string,
  accountId: string,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': accountPk(accountId), ':prefix': prefix },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export function accountPk(accountId: string): string {
  return `ACCOUNT#${accountId}`;
}

/** True when a DynamoDB error means a condition (or a transaction's condition) did not hold. */
export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'ConditionalCheckFailedException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

/** True when a transaction lost a race with another one on the same items (worth retrying). */
export function isTransactionConflict(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TransactionConflictException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'TransactionConflict');
}
