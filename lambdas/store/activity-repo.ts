import { BatchWriteItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RETENTION, expiresAfterDays } from './retention.js';
import { requestActivitySchema, type AttemptRecord, type RequestActivity } from './activity-record.js';
import { createWriteBatcher } from './write-batcher.js';
import { accountPk } from './accounts-items.js';
import { toAttributeMap } from './attribute-values.js';

export const requestSk = (startedAt: string, requestId: string): string => `REQ#${startedAt}#${requestId}`;

/** A request's metadata as the router hands it over; the repository adds its kind and expiry. */
export type RequestFields = Omit<RequestActivity, 'kind' | 'expiresAt' | 'attempts'> & { readonly attempts?: readonly AttemptRecord[] };

/** What the router writes after each response; the gateway depends on this, not on DynamoDB. */
export interface ActivityWriter {
  recordRequest(record: RequestFields): Promise<void>;
}

export interface ActivityRepo extends ActivityWriter {
  /** The account's most recent request records, newest first, expired ones filtered out. */
  listRequests(accountId: string, options?: { limit?: number }): Promise<RequestActivity[]>;
}

/** One encoded activity item, as `toAttributeMap` makes it. */
type ActivityItem = Record<string, AttributeValue>;

/** Sends one batch of encoded items to the activity table; resolves with those the table left unprocessed. */
function activityBatchSender(client: Pick<DynamoDBClient, 'send'>, tableName: string): (items: ActivityItem[]) => Promise<ActivityItem[]> {
  return async (items) => {
    // A Lambda container only ever has one item to write: PutItem keeps the router's role free of
    // BatchWriteItem, which would also allow deletes.
    if (items.length === 1) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: items[0] }));
      return [];
    }
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) } }));
    return (out.UnprocessedItems?.[tableName] ?? []).flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : []));
  };
}

export function createActivityRepo(doc: DynamoDBDocumentClient, tableName: string, options: { now?: () => number; batchWindowMs?: number } = {}): ActivityRepo {
  const now = options.now ?? Date.now;
  // Items go out already encoded (attribute-values.ts), so the document client sends its base client's commands.
  const put = createWriteBatcher<ActivityItem>(activityBatchSender(doc, tableName), { windowMs: options.batchWindowMs ?? 0 });
  return {
    async recordRequest(fields) {
      // Parsing the strict schema here is the P3 guard: an extra or free-form field fails instead of being stored.
      const record = requestActivitySchema.parse(
        definedFields({ ...fields, kind: 'request', expiresAt: expiresAfterDays(RETENTION.requestMetadataDays, now()) }),
      );
      await put(toAttributeMap({ pk: accountPk(record.accountId), sk: requestSk(record.startedAt, record.requestId), ...record }));
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

/** The fields that have a value: the schema checks half as many keys, at half the cost, without the unset ones. */
function definedFields<T extends object>(fields: T): T {
  const defined: Record<string, unknown> = {};
  // for…in rather than Object.entries: no array per field, on a path every request takes.
  for (const key in fields) if (fields[key] !== undefined) defined[key] = fields[key];
  return defined as T;
}
