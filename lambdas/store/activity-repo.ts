import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RETENTION, expiresAfterDays } from './retention.js';
import { requestActivitySchema, type RequestActivity } from './activity-record.js';

export const accountPk = (accountId: string): string => `ACCOUNT#${accountId}`;
export const requestSk = (startedAt: string, requestId: string): string => `REQ#${startedAt}#${requestId}`;

/** What the router writes after each response; the gateway depends on this, not on DynamoDB. */
export interface ActivityWriter {
  recordRequest(record: Omit<RequestActivity, 'kind' | 'expiresAt'>): Promise<void>;
}

export interface ActivityRepo extends ActivityWriter {
  /** The account's most recent request records, newest first, expired ones filtered out. */
  listRequests(accountId: string, options?: { limit?: number }): Promise<RequestActivity[]>;
}

export function createActivityRepo(doc: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now): ActivityRepo {
  return {
    async recordRequest(fields) {
      // Parsing the strict schema here is the P3 guard: an extra or free-form field fails instead of being stored.
      const record = requestActivitySchema.parse({ ...fields, kind: 'request', expiresAt: expiresAfterDays(RETENTION.requestMetadataDays, now()) });
      await doc.send(
        new PutCommand({ TableName: tableName, Item: { pk: accountPk(record.accountId), sk: requestSk(record.startedAt, record.requestId), ...record } }),
      );
    },

    async listRequests(accountId, options = {}) {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :req)',
          // DynamoDB deletes expired items only eventually, so reads drop them.
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':pk': accountPk(accountId), ':req': 'REQ#', ':now': Math.floor(now() / 1000) },
          ScanIndexForward: false,
          Limit: options.limit ?? 50,
        }),
      );
      return (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...item }) => requestActivitySchema.parse(item));
    },
  };
}
