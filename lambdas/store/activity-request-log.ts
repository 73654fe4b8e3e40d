import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestLogReader } from '../usage/request-log.js';
import { requestActivitySchema, type RequestActivity } from './activity-record.js';
import { requestSk } from './activity-repo.js';
import { accountPk } from './accounts-items.js';
import { REQUESTS_INDEX } from './tables.js';

/**
 * The request log's reads of the `activity` table.
 *
 * | pk                  | sk                                | attributes                                   |
 * |---------------------|-----------------------------------|----------------------------------------------|
 * | ACCOUNT#<accountId> | REQ#<startedAt ISO>#<requestId>   | the request record (activity-record.ts), expiresAt |
 *
 * Index `requests-by-id` (sparse, KEYS_ONLY): pk `requestId`, sk `accountId`. Only request records carry both, so
 * `GET /v1/requests/{id}` is one index Query (by id and the caller's account: another account's id finds nothing)
 * and one GetItem. The listing is one key range (`sk BETWEEN REQ#<from> AND REQ#<to>~`), newest first; its filters
 * (status, model, API key, config) are filter expressions on that range, so a page reads at most
 * MAX_QUERIES_PER_PAGE Queries and says where to continue. Records whose `expiresAt` has passed are dropped.
 */
const MAX_QUERIES_PER_PAGE = 5;
/** What a listing's position looks like: a request sk, checked before it is used as a key. */
const REQUEST_SK = /^REQ#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9._:-]{1,128}$/;

export function createRequestLogReader(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): RequestLogReader {
  const now = options.now ?? Date.now;
  return {
    async list(accountId, { from, to, filter, limit, after }) {
      const lowest = requestSk(new Date(from).toISOString(), '');
      const highest = requestSk(new Date(to).toISOString(), '~');
      if (after !== undefined && !(REQUEST_SK.test(after) && after >= lowest && after <= highest)) return 'invalid_cursor';
      const conditions = ['expiresAt > :now'];
      const values: Record<string, unknown> = { ':pk': accountPk(accountId), ':from': lowest, ':to': highest, ':now': Math.floor(now() / 1000) };
      const names: Record<string, string> = {};
      if (filter.status) {
        conditions.push('#status BETWEEN :statusFrom AND :statusTo');
        names['#status'] = 'status';
        values[':statusFrom'] = filter.status.from;
        values[':statusTo'] = filter.status.to;
      }
      for (const [field, value] of [
        ['model', filter.model],
        ['apiKeyId', filter.apiKeyId],
        ['configName', filter.configName],
      ] as const) {
        if (value === undefined) continue;
        conditions.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = value;
      }
      const records: RequestActivity[] = [];
      let startKey: Record<string, unknown> | undefined = after === undefined ? undefined : { pk: accountPk(accountId), sk: after };
      for (let i = 0; i < MAX_QUERIES_PER_PAGE && records.length < limit; i++) {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            FilterExpression: conditions.join(' AND '),
            ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: limit - records.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          const record = parsed(item);
          if (record) records.push(record);
        }
        startKey = out.LastEvaluatedKey;
        if (!startKey) break;
      }
      return { records, ...(startKey ? { after: startKey.sk as string } : {}) };
    },

    async get(accountId, requestId) {
      const found = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: REQUESTS_INDEX,
          KeyConditionExpression: 'requestId = :id AND accountId = :account',
          ExpressionAttributeValues: { ':id': requestId, ':account': accountId },
          Limit: 1,
        }),
      );
      const key = found.Items?.[0];
      if (!key) return undefined;
      const out = await db.send(new GetCommand({ TableName: table, Key: { pk: key.pk, sk: key.sk } }));
      const record = out.Item && parsed(out.Item);
      // DynamoDB deletes expired items only eventually.
      return record && record.expiresAt > Math.floor(now() / 1000) ? record : undefined;
    },
  };
}

/** A stored request record; an item that no longer matches the schema is left out rather than failing the read. */
function parsed({ pk: _pk, sk: _sk, ...item }: Record<string, unknown>): RequestActivity | undefined {
  const record = requestActivitySchema.safeParse(item);
  return record.success ? record.data : undefined;
}
